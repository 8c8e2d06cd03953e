// Tests import MCPTesting alone: the declarations and protocol types come with it.
@_exported public import MCPCore
