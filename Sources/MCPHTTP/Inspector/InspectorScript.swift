extension InspectorAssets {
    /// `/inspector/app.js`: lists what the server offers and calls it through the MCP endpoint
    /// with protocol 2026-07-28, as any client would (routing headers, `_meta` envelope, a
    /// progress token and a log level so progress and log notifications stream back as SSE).
    /// Text reaches the page through `textContent` only, never as markup.
    static let script = #"""
        "use strict";
        (() => {
          const PROTOCOL = "2026-07-28";
          const KEY_STORAGE = "mcp-inspector-api-key";
          const mcpPath = document.body.dataset.mcpPath || "/mcp";
          let nextId = 1;
          let current = null; // the selected declaration: { kind, item }

          const $ = (selector) => document.querySelector(selector);
          function el(tag, attributes, ...children) {
            const node = document.createElement(tag);
            for (const [name, value] of Object.entries(attributes || {})) {
              if (value === undefined || value === null || value === false) continue;
              if (name === "text") node.textContent = value;
              else if (name === "dataset") Object.assign(node.dataset, value);
              else node.setAttribute(name, value === true ? "" : String(value));
            }
            for (const child of children) {
              if (child !== null && child !== undefined) node.append(child);
            }
            return node;
          }
          const pretty = (value) => JSON.stringify(value, null, 2);

          class AuthError extends Error {}

          function apiKey() { return sessionStorage.getItem(KEY_STORAGE) || ""; }

          // Mcp-Name carries non-ASCII values as =?base64?…?= (MCP 2026-07-28).
          function headerValue(value) {
            if (/^[\x20-\x7e]*$/.test(value)) return value;
            const bytes = new TextEncoder().encode(value);
            let binary = "";
            for (const byte of bytes) binary += String.fromCharCode(byte);
            return "=?base64?" + btoa(binary) + "?=";
          }

          // Reads an SSE body event by event; calls onMessage with each JSON-RPC message.
          async function readEvents(response, onMessage) {
            const reader = response.body.getReader();
            const decoder = new TextDecoder();
            let buffer = "";
            let done = false;
            while (!done) {
              const chunk = await reader.read();
              done = chunk.done;
              buffer += decoder.decode(chunk.value || new Uint8Array(), { stream: !done });
              buffer = buffer.replace(/\r\n?/g, "\n");
              let end;
              while ((end = buffer.indexOf("\n\n")) >= 0) {
                const block = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const data = block.split("\n").filter((line) => line.startsWith("data:"))
                  .map((line) => line.slice(5).replace(/^ /, "")).join("\n");
                if (data.trim() === "") continue;
                if (onMessage(JSON.parse(data)) === "stop") {
                  reader.cancel().catch(() => {});
                  return;
                }
              }
            }
          }

          // One JSON-RPC request to the MCP endpoint. Returns { request, response, events }.
          async function rpc(method, params, options) {
            const id = nextId++;
            const meta = Object.assign({
              "io.modelcontextprotocol/protocolVersion": PROTOCOL,
              "io.modelcontextprotocol/clientCapabilities": {},
              "io.modelcontextprotocol/clientInfo": { name: "mcp-inspector", version: "1.0.0" },
            }, (options && options.meta) || {});
            const request = { jsonrpc: "2.0", id, method, params: Object.assign({}, params, { _meta: meta }) };
            const headers = {
              "Content-Type": "application/json",
              "Accept": "application/json, text/event-stream",
              "MCP-Protocol-Version": PROTOCOL,
              "Mcp-Method": method,
            };
            if (options && options.name !== undefined) headers["Mcp-Name"] = headerValue(options.name);
            const key = apiKey();
            if (key) headers["Authorization"] = "Bearer " + key;
            const reply = await fetch(mcpPath, {
              method: "POST", headers, body: JSON.stringify(request), credentials: "omit", cache: "no-store",
            });
            if (reply.status === 401) throw new AuthError("the server needs an API key");
            const events = [];
            let response = null;
            const type = reply.headers.get("Content-Type") || "";
            if (type.startsWith("text/event-stream")) {
              await readEvents(reply, (message) => {
                if (message.id === id && ("result" in message || "error" in message)) {
                  response = message;
                  return "stop";
                }
                events.push(message);
                if (options && options.onEvent) options.onEvent(message);
                return "continue";
              });
            } else {
              const text = await reply.text();
              try {
                response = JSON.parse(text);
              } catch (error) {
                throw new Error("HTTP " + reply.status + ": " + text.slice(0, 300));
              }
            }
            if (!response) throw new Error("the stream ended without an answer (HTTP " + reply.status + ")");
            return { request, response, events, status: reply.status };
          }

          async function listAll(method, key) {
            let items = [];
            let cursor;
            do {
              const { response } = await rpc(method, cursor ? { cursor } : {});
              if (response.error) throw new Error(method + ": " + response.error.message);
              items = items.concat(response.result[key] || []);
              cursor = response.result.nextCursor;
            } while (cursor);
            return items;
          }

          function notice(text, isError) {
            const node = $("#notice");
            node.textContent = text || "";
            node.hidden = !text;
            node.className = isError ? "error" : "";
          }

          // MARK: Lists

          async function loadLists() {
            notice("");
            try {
              const [tools, resources, templates, prompts] = await Promise.all([
                listAll("tools/list", "tools"),
                listAll("resources/list", "resources"),
                listAll("resources/templates/list", "resourceTemplates"),
                listAll("prompts/list", "prompts"),
              ]);
              fill("#tool-list", "#tools-count", tools, "tool", (tool) => tool.name);
              fill("#resource-list", "#resources-count",
                resources.map((item) => ({ kind: "resource", item }))
                  .concat(templates.map((item) => ({ kind: "template", item }))),
                null, (entry) => entry.item.uri || entry.item.uriTemplate);
              fill("#prompt-list", "#prompts-count", prompts, "prompt", (prompt) => prompt.name);
              document.body.dataset.loaded = "true";
            } catch (error) {
              if (error instanceof AuthError) {
                notice("This server needs an API key: enter it above (it stays in this tab only).", true);
                $("#api-key").focus();
              } else {
                notice("Could not list the server's declarations: " + error.message, true);
              }
            }
          }

          function fill(listSelector, countSelector, items, kind, label) {
            const list = $(listSelector);
            list.replaceChildren();
            $(countSelector).textContent = "(" + items.length + ")";
            for (const entry of items) {
              const item = kind ? entry : entry.item;
              const entryKind = kind || entry.kind;
              const button = el("button", { type: "button", dataset: { kind: entryKind, name: label(entry) } },
                el("code", { text: label(entry) }));
              if (item.title) button.title = item.title;
              button.addEventListener("click", () => {
                for (const other of document.querySelectorAll("nav button.selected")) other.classList.remove("selected");
                button.classList.add("selected");
                show(entryKind, item);
              });
              list.append(el("li", {}, button));
            }
          }

          // MARK: Forms

          function schemaType(schema) {
            let type = schema.type;
            if (Array.isArray(type)) type = type.find((name) => name !== "null");
            if (!type && schema.enum) type = "string";
            return type || "json";
          }

          function fieldFor(name, schema, required) {
            const type = schemaType(schema);
            const id = "arg-" + name;
            let input;
            if (Array.isArray(schema.enum)) {
              input = el("select", { id, name });
              if (!required) input.append(el("option", { value: "", text: "(default)" }));
              for (const value of schema.enum) input.append(el("option", { value: JSON.stringify(value), text: String(value) }));
              input.dataset.type = "enum";
            } else if (type === "boolean") {
              input = el("select", { id, name }, required ? null : el("option", { value: "", text: "(default)" }),
                el("option", { value: "true", text: "true" }), el("option", { value: "false", text: "false" }));
              input.dataset.type = "boolean";
            } else if (type === "number" || type === "integer") {
              input = el("input", { id, name, type: "number", step: type === "integer" ? "1" : "any" });
              input.dataset.type = type;
            } else if (type === "string") {
              input = el("input", { id, name, type: "text", autocomplete: "off" });
              input.dataset.type = "string";
            } else {
              input = el("textarea", { id, name, placeholder: "JSON" });
              input.dataset.type = "json";
            }
            if (schema.default !== undefined && input.tagName !== "SELECT") {
              input.placeholder = typeof schema.default === "string" ? schema.default : JSON.stringify(schema.default);
            }
            if (required) input.required = true;
            return el("div", { class: "field" },
              el("label", { for: id }, name + (required ? " *" : ""), " ",
                el("span", { class: "type", text: Array.isArray(schema.enum) ? "one of" : type })),
              schema.description ? el("p", { class: "help", text: schema.description }) : null,
              input);
          }

          function readArguments(form) {
            const values = {};
            for (const input of form.querySelectorAll("[data-type]")) {
              const raw = input.value;
              if (raw === "") continue;
              switch (input.dataset.type) {
                case "number": case "integer": values[input.name] = Number(raw); break;
                case "boolean": values[input.name] = raw === "true"; break;
                case "enum": values[input.name] = JSON.parse(raw); break;
                case "json": values[input.name] = JSON.parse(raw); break;
                default: values[input.name] = raw;
              }
            }
            return values;
          }

          function outputArea() {
            return el("div", { id: "output" },
              el("h3", { text: "Progress and log messages" }),
              el("progress", { id: "progress", max: "1", value: "0", hidden: true }),
              el("ol", { id: "events" }),
              el("h3", { text: "Result" }),
              el("div", { id: "result" }),
              el("h3", { text: "Structured content" }),
              el("pre", { id: "structured", text: "—" }),
              el("h3", { text: "Raw JSON" }),
              el("pre", { id: "raw", text: "—" }));
          }

          function show(kind, item) {
            current = { kind, item };
            const detail = $("#detail");
            const form = el("form", { id: "call-form", novalidate: true });
            let heading = item.name || item.uri || item.uriTemplate;
            let action = "Call";
            if (kind === "tool") {
              const schema = item.inputSchema || {};
              const required = new Set(schema.required || []);
              for (const [name, property] of Object.entries(schema.properties || {})) {
                form.append(fieldFor(name, property, required.has(name)));
              }
              form.append(el("div", { class: "field" },
                el("label", { for: "log-level", text: "Log messages from" }),
                el("select", { id: "log-level" }, el("option", { value: "", text: "(none)" }),
                  ...["debug", "info", "notice", "warning", "error"].map((level) =>
                    el("option", { value: level, text: level, selected: level === "debug" })))));
            } else if (kind === "prompt") {
              action = "Get";
              for (const argument of item.arguments || []) {
                form.append(fieldFor(argument.name, { type: "string", description: argument.description },
                  Boolean(argument.required)));
              }
            } else {
              action = "Read";
              const uri = item.uri || item.uriTemplate;
              const input = el("input", { id: "arg-uri", name: "uri", type: "text", value: uri });
              form.append(el("div", { class: "field" }, el("label", { for: "arg-uri", text: "URI" }), input));
            }
            form.append(el("div", { class: "actions" },
              el("button", { id: "call", class: "primary", type: "submit", text: action }),
              el("span", { id: "status", role: "status" })));
            form.addEventListener("submit", (event) => {
              event.preventDefault();
              run(form).catch((error) => finish("error", error.message));
            });
            detail.replaceChildren(
              el("h2", { text: heading }),
              item.title && item.title !== heading ? el("p", { class: "meta", text: item.title }) : null,
              el("p", { class: "description", text: item.description || "" }),
              form, outputArea());
            detail.dataset.kind = kind;
          }

          // MARK: Calls

          function finish(state, text) {
            const status = $("#status");
            if (!status) return;
            status.textContent = text;
            status.className = state;
            $("#call").disabled = false;
          }

          function addEvent(className, text) {
            $("#events").append(el("li", { class: className, text }));
          }

          function onEvent(message) {
            const params = message.params || {};
            if (message.method === "notifications/progress") {
              const total = params.total;
              const bar = $("#progress");
              if (typeof total === "number" && total > 0) {
                bar.hidden = false;
                bar.max = total;
                bar.value = params.progress;
              }
              addEvent("progress", "progress " + params.progress + (total !== undefined ? "/" + total : "") +
                (params.message ? " — " + params.message : ""));
            } else if (message.method === "notifications/message") {
              const data = typeof params.data === "string" ? params.data : JSON.stringify(params.data);
              addEvent("log", "[" + params.level + "]" + (params.logger ? " " + params.logger : "") + ": " + data);
            } else {
              addEvent("other", JSON.stringify(message));
            }
          }

          function showResult(result, isError) {
            const box = $("#result");
            box.className = isError ? "error" : "";
            const blocks = [];
            for (const block of result.content || []) {
              if (block.type === "text") blocks.push(el("pre", { class: "content", text: block.text }));
              else if (block.type === "resource" && block.resource) {
                blocks.push(el("pre", { class: "content", text: block.resource.text || pretty(block.resource) }));
              } else blocks.push(el("pre", { class: "content", text: pretty(block) }));
            }
            for (const content of result.contents || []) {
              blocks.push(el("pre", { class: "content", text: content.text !== undefined ? content.text : pretty(content) }));
            }
            for (const message of result.messages || []) {
              const content = message.content || {};
              blocks.push(el("pre", { class: "content",
                text: message.role + ": " + (content.type === "text" ? content.text : pretty(content)) }));
            }
            if (blocks.length === 0) blocks.push(el("pre", { class: "content", text: pretty(result) }));
            box.replaceChildren(...blocks);
          }

          async function run(form) {
            const item = current.item;
            $("#call").disabled = true;
            $("#events").replaceChildren();
            $("#progress").hidden = true;
            $("#result").replaceChildren();
            $("#structured").textContent = "—";
            $("#raw").textContent = "—";
            $("#status").className = "";
            $("#status").textContent = "calling…";
            const started = performance.now();
            let answer;
            try {
              if (current.kind === "tool") {
                const meta = { progressToken: "inspector-" + nextId };
                const level = $("#log-level").value;
                if (level) meta["io.modelcontextprotocol/logLevel"] = level;
                answer = await rpc("tools/call", { name: item.name, arguments: readArguments(form) },
                  { name: item.name, meta, onEvent });
              } else if (current.kind === "prompt") {
                answer = await rpc("prompts/get", { name: item.name, arguments: readArguments(form) },
                  { name: item.name });
              } else {
                const uri = $("#arg-uri").value;
                answer = await rpc("resources/read", { uri }, { name: uri });
              }
            } catch (error) {
              if (error instanceof AuthError) notice("This server needs an API key: enter it above.", true);
              finish("error", error.message);
              return;
            }
            const elapsed = Math.round(performance.now() - started);
            const { request, response, events } = answer;
            $("#raw").textContent = "→ request\n" + pretty(request) +
              (events.length ? "\n\n← notifications\n" + events.map((event) => JSON.stringify(event)).join("\n") : "") +
              "\n\n← response\n" + pretty(response);
            if (response.error) {
              showResult({ content: [{ type: "text", text: response.error.code + " " + response.error.message }] }, true);
              finish("error", "error " + response.error.code + " after " + elapsed + " ms");
              return;
            }
            const result = response.result || {};
            showResult(result, result.isError === true);
            if (result.structuredContent !== undefined) $("#structured").textContent = pretty(result.structuredContent);
            if (events.length) addEvent("result", "result after " + events.length + " notification(s)");
            const failed = result.isError === true;
            finish(failed ? "error" : "ok", (failed ? "tool error" : "done") + " in " + elapsed + " ms");
          }

          // MARK: Start

          $("#key-form").addEventListener("submit", (event) => {
            event.preventDefault();
            const key = $("#api-key").value.trim();
            if (key) sessionStorage.setItem(KEY_STORAGE, key);
            else sessionStorage.removeItem(KEY_STORAGE);
            loadLists();
          });
          $("#api-key").value = apiKey();
          loadLists();
        })();
        """#
}
