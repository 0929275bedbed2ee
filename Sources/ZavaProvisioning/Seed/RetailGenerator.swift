import Foundation
import ZavaCore

/// Generates the synthetic retail dataset as COPY text, deterministically from the scale:
/// the distributions of the public sample (seed-facts), on the authored catalogue.
struct RetailGenerator {
    /// One table's rows in COPY text format.
    struct Table {
        var name: String
        var columns: [String]
        var data: [UInt8]
        var rows: Int
    }

    let catalog: Catalog
    let scale: Double
    static let seed: UInt64 = 0x5A56_4152_4554_4149 // "ZAVARETAI"
    static let firstOrderDay = CivilDate(year: 2020, month: 1, day: 1).dayNumber
    static let lastOrderDay = CivilDate(year: 2026, month: 10, day: 31).dayNumber

    var customerCount: Int { max(10, Int((50_000 * scale).rounded())) }
    var orderCount: Int { max(20, Int((200_000 * scale).rounded())) }

    func generate() -> [Table] {
        var random = SeededRandom(seed: Self.seed)
        var tables: [Table] = []
        let storeWeights = WeightedChoice(catalog.stores.map(\.weight))

        var stores = TableWriter()
        for (index, store) in catalog.stores.enumerated() {
            stores.row([String(index + 1), store.storeName, store.rlsUserID.uuidString.lowercased(), store.isOnline ? "t" : "f"])
        }
        tables.append(stores.table("stores", ["store_id", "store_name", "rls_user_id", "is_online"]))

        var categories = TableWriter(), types = TableWriter(), products = TableWriter()
        var productsByCategory: [[(id: Int, priceCents: Int)]] = []
        var typeID = 0, productID = 0
        for (categoryIndex, category) in catalog.categories.enumerated() {
            categories.row([String(categoryIndex + 1), category.category])
            var members: [(Int, Int)] = []
            for type in category.productTypes {
                typeID += 1
                types.row([String(typeID), String(categoryIndex + 1), type.name])
                for product in type.products {
                    productID += 1
                    let costCents = Int((product.cost * 100).rounded())
                    let priceCents = Int((Double(costCents) / 0.67).rounded())
                    products.row([String(productID), product.sku, product.name, String(categoryIndex + 1), String(typeID),
                                  Money.text(costCents), Money.text(priceCents), "33.00", product.description])
                    members.append((productID, priceCents))
                }
            }
            productsByCategory.append(members)
        }
        tables.append(categories.table("categories", ["category_id", "category_name"]))
        tables.append(types.table("product_types", ["type_id", "category_id", "type_name"]))
        tables.append(products.table("products", ["product_id", "sku", "product_name", "category_id", "type_id",
                                                  "cost", "base_price", "gross_margin_percent", "product_description"]))

        // Customers: primary store by the sample's store weights.
        var customers = TableWriter()
        var customersByStore = Array(repeating: [Int](), count: catalog.stores.count)
        let names = catalog.names
        let createdFrom = CivilDate(year: 2019, month: 1, day: 1).dayNumber
        for id in 1...customerCount {
            let store = storeWeights.pick(&random)
            customersByStore[store].append(id)
            let first = names.firstNames[random.int(0...names.firstNames.count - 1)]
            let last = names.lastNames[random.int(0...names.lastNames.count - 1)]
            let area = names.areaCodes[catalog.stores[store].storeName] ?? "206"
            let phone = "(\(area)) 555-\(String(format: "%04d", random.int(0...9999)))"
            let created = CivilDate(dayNumber: createdFrom + random.int(0...(Self.lastOrderDay - createdFrom)))
            let time = String(format: "%02d:%02d:%02d", random.int(8...20), random.int(0...59), random.int(0...59))
            customers.row([String(id), first, last, "\(first.lowercased()).\(last.lowercased()).\(id)@example.com",
                           phone, String(store + 1), "\(created.text) \(time)"])
        }
        tables.append(customers.table("customers", ["customer_id", "first_name", "last_name", "email", "phone",
                                                    "primary_store_id", "created_at"]))

        // Inventory: every store x every product; bigger stores stock more, a few lines are out.
        var inventory = TableWriter()
        let maxWeight = catalog.stores.map(\.weight).max() ?? 1
        for (storeIndex, store) in catalog.stores.enumerated() {
            let depth = 10 + Int(60 * store.weight / maxWeight)
            for product in 1...productID {
                let stock = random.unit() < 0.05 ? 0 : random.int(1...depth)
                inventory.row([String(storeIndex + 1), String(product), String(stock)])
            }
        }
        tables.append(inventory.table("inventory", ["store_id", "product_id", "stock_level"]))

        // Orders over 2020-2026: about 10% more each year, seasonal by category and month.
        let days = Array(Self.firstOrderDay...Self.lastOrderDay)
        let monthDemand = (0..<12).map { month in
            catalog.categories.reduce(0) { $0 + $1.seasonality[month] } / Double(max(1, catalog.categories.count))
        }
        let dayWeights = WeightedChoice(days.map { day in
            let date = CivilDate(dayNumber: day)
            return pow(1.10, Double(date.year - 2020)) * monthDemand[date.month - 1]
        })
        let categoryByMonth = (0..<12).map { month in WeightedChoice(catalog.categories.map { $0.seasonality[month] }) }
        let itemsPerOrder = WeightedChoice([40, 30, 15, 10, 5])
        let quantities = WeightedChoice([60, 25, 10, 3, 2])
        var orders = TableWriter(), items = TableWriter()
        var itemID = 0
        for orderID in 1...orderCount {
            let store = storeWeights.pick(&random)
            let local = customersByStore[store]
            let customer = (!local.isEmpty && random.unit() < 0.85)
                ? local[random.int(0...local.count - 1)] : random.int(1...customerCount)
            let date = CivilDate(dayNumber: days[dayWeights.pick(&random)])
            orders.row([String(orderID), String(customer), String(store + 1), date.text])
            for _ in 0...itemsPerOrder.pick(&random) {
                let members = productsByCategory[categoryByMonth[date.month - 1].pick(&random)]
                let product = members[random.int(0...members.count - 1)]
                let quantity = quantities.pick(&random) + 1
                let unitCents = Int((Double(product.priceCents) * (0.8 + 0.4 * random.unit())).rounded())
                let discountPercent = random.unit() < 0.15 ? random.int(5...25) : 0
                let discountCents = Int((Double(unitCents * quantity * discountPercent) / 100).rounded())
                itemID += 1
                items.row([String(itemID), String(orderID), String(store + 1), String(product.id), String(quantity),
                           Money.text(unitCents), String(discountPercent), Money.text(discountCents),
                           Money.text(unitCents * quantity - discountCents)])
            }
        }
        tables.append(orders.table("orders", ["order_id", "customer_id", "store_id", "order_date"]))
        tables.append(items.table("order_items", ["order_item_id", "order_id", "store_id", "product_id", "quantity",
                                                  "unit_price", "discount_percent", "discount_amount", "total_amount"]))
        return tables
    }
}

/// Accumulates COPY text rows (tab-separated, escaped).
struct TableWriter {
    private(set) var data: [UInt8] = []
    private(set) var rows = 0

    mutating func row(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { data.append(9) }
            for byte in field.utf8 {
                switch byte {
                case 9: data.append(contentsOf: [92, 116])
                case 10: data.append(contentsOf: [92, 110])
                case 13: data.append(contentsOf: [92, 114])
                case 92: data.append(contentsOf: [92, 92])
                default: data.append(byte)
                }
            }
        }
        data.append(10)
        rows += 1
    }

    func table(_ name: String, _ columns: [String]) -> RetailGenerator.Table {
        RetailGenerator.Table(name: name, columns: columns, data: data, rows: rows)
    }
}

enum Money {
    /// Cents as exact decimal text: 1234 -> "12.34", -5 -> "-0.05".
    static func text(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = abs(cents)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// A proleptic Gregorian date from a day number (days since 1970-01-01), without Calendar.
struct CivilDate {
    var year: Int, month: Int, day: Int

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    var text: String { String(format: "%04d-%02d-%02d", year, month, day) }
}
