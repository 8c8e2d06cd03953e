/// The inspector's page, script and style sheet, compiled into the binary (no files to ship,
/// nothing fetched from elsewhere). The page holds no data: the script asks the MCP endpoint for
/// everything, with the API key the user types in when the server has one.
enum InspectorAssets {
    static func page(name: String, mcpPath: String) -> String {
        let name = HTMLText.escape(name)
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(name) — MCP inspector</title>
            <link rel="stylesheet" href="\(InspectorRoutes.stylePath)"></head>
            <body data-mcp-path="\(HTMLText.escape(mcpPath))">
            <header><h1>\(name) <span>inspector</span></h1>
            <p class="meta">Calls <code>\(HTMLText.escape(mcpPath))</code> with MCP 2026-07-28, as a client would.</p>
            <form id="key-form" autocomplete="off"><label for="api-key">API key</label>
            <input id="api-key" type="password" placeholder="only when the server has one">
            <button type="submit">Use</button></form></header>
            <p id="notice" hidden></p>
            <main><nav aria-label="declarations">
            <h2>Tools <span id="tools-count"></span></h2><ul id="tool-list"></ul>
            <h2>Resources <span id="resources-count"></span></h2><ul id="resource-list"></ul>
            <h2>Prompts <span id="prompts-count"></span></h2><ul id="prompt-list"></ul>
            </nav>
            <section id="detail"><p class="hint">Choose a tool, a resource or a prompt.</p></section></main>
            <script src="\(InspectorRoutes.scriptPath)"></script>
            </body></html>
            """
    }
}

/// Escaping for text placed in HTML.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
