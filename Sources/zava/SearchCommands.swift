import ArgumentParser
import Foundation
import ZavaCore
import ZavaREPL

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Find products by meaning (vector), words (text) or both (hybrid).")

    @Argument(help: "What you are looking for, in plain words.") var text: String
    @Option(name: .customLong("as"), help: "Identity (the stock column is this store's).") var profile: String?
    @Option(help: "vector, hybrid or text.") var mode: String = "vector"
    @Option(help: "Rows to return (at most \(SearchRequest.rowCap)).") var limit: Int = SearchRequest.defaultMaxRows
    @Option(help: "Minimum similarity percent for vector hits.") var threshold: Double = SearchRequest.defaultSimilarityThreshold
    @Option(help: "Only this category.") var category: String?
    @Flag(help: "Only products in stock (at this store).") var inStock = false
    @Option(help: "Output format.") var format: OutputFormat = .table
    @OptionGroup(title: "Safety") var rls: RLSOverride

    func run() async throws {
        try await reportingErrors {
            guard let searchMode = SearchRequest.Mode(rawValue: mode.lowercased()) else {
                throw ValidationError("--mode takes vector, hybrid or text")
            }
            let runtime = try Runtime.load()
            guard let profile = runtime.profile(profile) else { throw MissingIdentityError() }
            let database = try await runtime.openCheckedDatabase(override: rls)
            defer { Task { await database.close() } }
            let identity = try await database.identities().resolve(profile)
            let settings = runtime.settings
            let analyst = AnalystService(session: database.session(for: identity).audited(.local(.command)),
                                         search: EmbeddingProductSearch(embedder: { try EmbedderFactory.make(settings) }))
            let result = try await analyst.searchProducts(SearchRequest(query: text, maxRows: limit, similarityThreshold: threshold,
                                                               mode: searchMode, category: category, inStockOnly: inStock))
            FileHandle.standardOutput.write(Data(format.render(result).utf8))
        }
    }
}

struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Compute the product description embeddings with the configured model.")

    @Option(help: "Only check the configured embedding provider: embed this text and report, touching no database.")
    var check: String?

    func run() async throws {
        try await reportingErrors {
            let runtime = try Runtime.load()
            if let check {
                let embedder = try EmbedderFactory.make(runtime.settings)
                let clock = ContinuousClock()
                let start = clock.now
                let vector = try await embedder.embed([check]).first ?? []
                let head = vector.prefix(4).map { String(format: "%.4f", $0) }.joined(separator: ", ")
                print("\(embedder.modelName): \(vector.count) dimensions [\(head), ...] in \(clock.now - start)")
                return
            }
            _ = try await runtime.provisioner.prepare(seedScale: runtime.seedScale, embedding: false, events: Console.report)
            let embedder = try EmbedderFactory.make(runtime.settings)
            Console.report(.embedding(model: embedder.modelName))
            let report = try await runtime.provisioner.embed(with: embedder, progress: Console.embeddingProgress())
            Console.report(.embedded(report))
        }
    }
}
