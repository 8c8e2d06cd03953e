extension InspectorAssets {
    /// `/inspector/app.css`.
    static let style = #"""
        :root { --fg: #1d1d1f; --muted: #666; --line: #ddd; --accent: #0b57d0; --bad: #b3261e; --ok: #146c2e; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: #fafafa; }
        header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem 1.5rem; padding: .8rem 1.2rem;
          border-bottom: 1px solid var(--line); background: #fff; }
        header h1 { margin: 0; font-size: 1.15rem; }
        header h1 span { color: var(--muted); font-weight: normal; }
        header .meta { margin: 0; color: var(--muted); flex: 1; }
        #key-form { display: flex; gap: .4rem; align-items: center; }
        #notice { margin: 0; padding: .5rem 1.2rem; background: #fff4e5; border-bottom: 1px solid #f0c36d; }
        #notice.error { background: #fdecea; border-color: #f5a9a3; }
        main { display: grid; grid-template-columns: minmax(14rem, 22rem) 1fr; min-height: calc(100vh - 3.5rem); }
        nav { border-right: 1px solid var(--line); padding: .5rem 0; overflow-y: auto; background: #fff; }
        nav h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
          margin: .8rem 1rem .3rem; }
        nav ul { list-style: none; margin: 0; padding: 0; }
        nav button { display: block; width: 100%; text-align: left; border: 0; background: none; padding: .3rem 1rem;
          font: inherit; cursor: pointer; }
        nav button:hover, nav button.selected { background: #e8f0fe; }
        nav button code { font-size: .9em; }
        #detail { padding: 1rem 1.5rem; min-width: 0; }
        #detail h2 { margin: 0 0 .2rem; font-size: 1.2rem; }
        .description { color: var(--muted); white-space: pre-wrap; margin: 0 0 1rem; }
        .field { margin: 0 0 .8rem; }
        .field label { display: block; font-weight: 600; }
        .field .type { color: var(--muted); font-weight: normal; font-size: .85em; }
        .field .help { color: var(--muted); font-size: .85em; margin: .1rem 0 .2rem; }
        input, select, textarea { font: inherit; padding: .3rem .4rem; border: 1px solid #bbb; border-radius: 4px; }
        .field input, .field select, .field textarea { width: min(100%, 32rem); }
        textarea { min-height: 4rem; font-family: ui-monospace, monospace; }
        .actions { display: flex; gap: 1rem; align-items: center; margin: 1rem 0; }
        button.primary { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .45rem 1.1rem;
          font: inherit; cursor: pointer; }
        button.primary:disabled { opacity: .6; cursor: progress; }
        #status.error { color: var(--bad); }
        #status.ok { color: var(--ok); }
        h3 { font-size: .95rem; margin: 1.2rem 0 .3rem; }
        pre { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .6rem; margin: 0;
          overflow-x: auto; white-space: pre-wrap; word-break: break-word; font-size: .85rem; }
        #result.error pre { border-color: var(--bad); color: var(--bad); }
        #events { list-style: none; padding: 0; margin: 0; font-family: ui-monospace, monospace; font-size: .85rem; }
        #events li { padding: .15rem .4rem; border-left: 3px solid var(--line); margin: .1rem 0; background: #fff; }
        #events li.progress { border-color: var(--accent); }
        #events li.log { border-color: #999; }
        #events li.result { border-color: var(--ok); }
        progress { width: min(100%, 20rem); }
        .hint { color: var(--muted); }
        """#
}
