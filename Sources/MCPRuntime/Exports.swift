// A server's executable imports MCPRuntime alone: the declarations (`@Tool`, `@Catalogue`, …)
// and the protocol types come with it.
@_exported public import MCPCore
