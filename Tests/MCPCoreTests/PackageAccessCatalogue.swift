import MCPCore
import MCPTesting
import Testing

/// A point, declared `package` as a multi-target package shares its types.
@Schema
package struct PackagePoint: Sendable, Equatable {
    /// Across.
    package var x: Int
    /// Down.
    package var y: Int
}

/// A catalogue declared `package`: the macros give what they generate the same access.
@Catalogue
package struct PackageCatalogue {
    /// Moves a point one step right.
    /// - Parameter point: The point.
    @Tool static func stepRight(point: PackagePoint) -> PackagePoint { PackagePoint(x: point.x + 1, y: point.y) }
}

@Suite("Macros on package declarations")
struct PackageAccessTests {
    @Test func aPackageCatalogueAndSchemaServeLikePublicOnes() async throws {
        #expect(PackageCatalogue().tools.map(\.name) == ["stepRight"])
        let client = try MCPTestClient(catalogues: [PackageCatalogue()])
        let result = try await client.callTool("stepRight", ["point": ["x": 1, "y": 2]])
        #expect(result["structuredContent"] == ["x": 2, "y": 2])
    }
}
