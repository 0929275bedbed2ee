import Foundation
import ZavaCore

/// `semantic_search_products(query_description, max_rows = 20, similarity_threshold = 30.0)`, the
/// sample's parameters, plus an optional `category` (the REPL's `--category`).
struct ProductSearchTool: AnalystTool {
    let definition = ToolDefinition(
        name: "semantic_search_products",
        title: "Find products by meaning",
        description: """
            Finds products whose descriptions mean something close to a plain-language description (e.g. \
            "cordless drill for masonry" or "waterproof outdoor paint"), using vector embeddings of the product \
            names and descriptions. Returns compact JSON {"c": [...], "r": [[...]], "n": N} with the product \
            columns and a similarity column in percent (100 = identical meaning), best match first, and the stock \
            column: the caller's store's stock, or stock_all_stores (summed over every store) for head office. Use \
            the product_id values in execute_sales_query to get sales or stock for the products found.
            """,
        inputSchema: Schema.object([
            "query_description": .object([
                "type": "string",
                "description": "What the products should be or do, in plain language.",
            ]),
            "max_rows": .object([
                "type": "integer", "default": .int(SearchRequest.defaultMaxRows), "minimum": 1, "maximum": .int(SearchRequest.rowCap),
                "description": "Most products to return (1-\(SearchRequest.rowCap), default \(SearchRequest.defaultMaxRows)).",
            ]),
            "similarity_threshold": .object([
                "type": "number", "default": .double(SearchRequest.defaultSimilarityThreshold), "minimum": 0, "maximum": 100,
                "description": "Least similarity in percent for a product to be returned (0-100, default \(Int(SearchRequest.defaultSimilarityThreshold))).",
            ]),
            "category": .object([
                "type": "string",
                "description": "Only products of this category, e.g. POWER TOOLS (any case); an unknown one is an error listing the categories.",
            ]),
        ], required: ["query_description"]),
        outputSchema: ResultReply.outputSchema,
        annotations: .readOnly("Semantic product search"))

    func call(_ arguments: [String: JSON]?, context: ToolContext) async -> ToolReply {
        do {
            let arguments = try ToolArguments(arguments, tool: name,
                                              accepted: ["query_description", "max_rows", "similarity_threshold", "category"])
            let request = SearchRequest(query: try arguments.string("query_description"),
                                        maxRows: try arguments.int("max_rows", default: SearchRequest.defaultMaxRows),
                                        similarityThreshold: try arguments.double("similarity_threshold",
                                                                                   default: SearchRequest.defaultSimilarityThreshold),
                                        category: try arguments.optionalString("category"))
            let result = try await context.analyst.searchProducts(request)
            return await ResultReply.make(result, context: context)
        } catch {
            return failure(for: error)
        }
    }

    func failure(_ message: String) -> ToolReply {
        ToolReply(text: CompactJSON.error(message), isError: true)
    }
}
