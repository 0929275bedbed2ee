/// The sample's example questions as MCP prompts, so clients (VS Code's slash commands) offer
/// them: each is a user message that asks for the answer the way the tools give it.
struct PromptCatalog: Sendable {
    struct Prompt: Sendable {
        struct Argument: Sendable {
            var name: String
            var description: String
            /// What the message says when the argument is left out; nil makes it required.
            var defaultValue: String?

            var required: Bool { defaultValue == nil }
        }

        var name: String
        var title: String
        var description: String
        var arguments: [Argument]
        /// The message, with `{name}` replaced by each argument's value.
        var template: String

        var json: JSON {
            .object(["name": .string(name), "title": .string(title), "description": .string(description),
                     "arguments": .array(arguments.map { argument in
                         ["name": .string(argument.name), "description": .string(argument.description), "required": .bool(argument.required)]
                     })])
        }
    }

    let prompts: [Prompt] = [
        Prompt(name: "schema_discovery", title: "What data is there?",
               description: "Learn the retail tables, how they join and the values to filter on, before asking questions.",
               arguments: [],
               template: """
                   Call get_multiple_table_schemas for retail.stores, retail.orders, retail.order_items, retail.products and \
                   retail.categories, then explain in a few sentences what each table holds, how they join, which store I am \
                   (whoami) and which years have orders.
                   """),
        Prompt(name: "top_products_last_quarter", title: "Top products by revenue last quarter",
               description: "The best-selling products by revenue in the last full quarter that has orders.",
               arguments: [Prompt.Argument(name: "limit", description: "How many products (default 10).", defaultValue: "10")],
               template: """
                   Using get_current_utc_date and the order dates that exist (whoami), find the last full calendar quarter with \
                   orders. Then, with one execute_sales_query, list the top {limit} products by revenue (sum of \
                   retail.order_items.total_amount) in that quarter, with product name, category and units sold.
                   """),
        Prompt(name: "similar_products", title: "Products like this one",
               description: "Products whose descriptions mean something close to the one given, with this store's stock.",
               arguments: [Prompt.Argument(name: "description", description: "What the product is or does, in plain words.")],
               template: """
                   Use semantic_search_products to find products like "{description}" (at most 10), and show name, category, \
                   price, similarity and stock as a short table.
                   """),
        Prompt(name: "store_best_categories_this_month", title: "Best-selling categories this month",
               description: "Revenue by product category for the current month (or the latest month with orders).",
               arguments: [],
               template: """
                   Using get_current_utc_date, take this month; if it has no orders for my store (whoami shows the dates), take \
                   the latest month that has. With one execute_sales_query, show revenue and units by category for that month, \
                   best first, and say which month it is.
                   """),
    ]

    var list: JSON { .array(prompts.map(\.json)) }

    /// `prompts/get`: the prompt's message with its arguments filled in.
    func get(_ params: [String: JSON]) -> Result<JSON, RPCError> {
        guard case .string(let name)? = params["name"] else { return .failure(.invalidParams("prompts/get: name must be a string")) }
        guard let prompt = prompts.first(where: { $0.name == name }) else {
            return .failure(.invalidParams("Unknown prompt: \(name.prefix(64)). Available prompts: \(prompts.map(\.name).joined(separator: ", "))"))
        }
        var values: [String: String] = [:]
        switch params["arguments"] {
        case nil, .null?: break
        case .object(let members)?:
            for (key, value) in members {
                guard case .string(let text) = value else { return .failure(.invalidParams("prompts/get: argument \(key) must be a string")) }
                values[key] = text
            }
        default: return .failure(.invalidParams("prompts/get: arguments must be an object of strings"))
        }
        var text = prompt.template
        for argument in prompt.arguments {
            guard let value = values[argument.name] ?? argument.defaultValue else {
                return .failure(.invalidParams("prompts/get: \(name) needs the argument \(argument.name)"))
            }
            text = text.replacingOccurrences(of: "{\(argument.name)}", with: value)
        }
        return .success(["description": .string(prompt.description),
                         "messages": [["role": "user", "content": ["type": "text", "text": .string(text)]]]])
    }
}
