import Testing
@testable import ZavaPostgres

/// One rule for what is a number: a column says numeric exactly when its values decode as numbers
/// (the aligned table right-aligns by the column, JSON writes bare numbers by the value).
@Suite struct ValueRulesTests {
    @Test(arguments: [("smallint", "12"), ("integer", "12"), ("bigint", "12"), ("oid", "12"), ("real", "1.5"),
                      ("double precision", "1.5"), ("numeric", "1.50"), ("money", "$1,000.00"), ("text", "12"),
                      ("date", "2026-01-01"), ("boolean", "t")])
    func columnAndValueAgreeOnNumbers(typeName: String, sample: String) {
        let column = Column(name: "c", typeOID: 0, typeName: typeName)
        let value = PGValueDecoder.decode(sample, typeName: typeName)
        #expect(column.isNumeric == value.isNumeric, "\(typeName)")
        // A numeric value is a JSON number as the server wrote it.
        if value.isNumeric { #expect(Double(value.jsonFragment) != nil, "\(typeName): \(value.jsonFragment)") }
    }
}
