public import MCPCore

/// The example server: every tool, resource and prompt of the original scaffold.
public enum ExampleCatalogue {
    /// Builds the registry: calculator, text and file tools, system and config resources, and the
    /// code and data prompts, in that order.
    ///
    /// - Parameter demoTools: also offer ``DemoTools`` (`long_task`).
    public static func registry(
        settings: AppSettings, workspace: Workspace, regexTimeout: Duration = .seconds(1), demoTools: Bool = false
    ) throws -> Registry {
        func catalogues(_ counts: CatalogueCounts) -> [any Catalogue] {
            var list: [any Catalogue] = [
                Calculator(), TextTools(regex: BoundedRegex(timeout: regexTimeout)), FileTools(workspace: workspace),
                InteractiveTools(workspace: workspace),
            ]
            if demoTools { list.append(DemoTools()) }
            list += [
                SystemResources(), ConfigResources(settings: settings, counts: counts),
                WorkspaceResources(workspace: workspace), CodePrompts(), DataPrompts(),
            ]
            return list
        }
        let draft = try Registry(catalogues: catalogues(CatalogueCounts()))
        var counts = CatalogueCounts()
        counts.tools = draft.tools.count
        counts.resources = draft.resources.count
        counts.resourceTemplates = draft.templates.count
        counts.prompts = draft.prompts.count
        return try Registry(catalogues: catalogues(counts))
    }

    /// Text for the model about what this server offers.
    public static let instructions = """
        Awesome MCP Server: calculator tools (arithmetic, BMI, percentages, averages, expressions), \
        text tools (counting, case conversion, extraction, replacement, slugs, statistics), file tools \
        confined to a workspace folder (deleting asks the user first), summaries written by the client's \
        own model, system and configuration resources, and prompts for code review, \
        debugging, architecture and data analysis.
        """
}
