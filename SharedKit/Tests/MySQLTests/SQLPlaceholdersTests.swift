import MySQL
import Testing

@Suite("SQL placeholder lists")
struct SQLPlaceholdersTests {
    @Test func listsOneGroupPerItem() {
        #expect(SQLPlaceholders.list(1) == "?")
        #expect(SQLPlaceholders.list(3) == "?,?,?")
        #expect(SQLPlaceholders.list(2, each: "(?, 0, NOW(6))") == "(?, 0, NOW(6)),(?, 0, NOW(6))")
        #expect(SQLPlaceholders.list(0).isEmpty)
    }
}
