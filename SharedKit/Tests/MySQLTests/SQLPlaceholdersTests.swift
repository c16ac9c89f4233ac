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

@Suite("placeholder buckets")
struct PlaceholderBucketTests {
    @Test func sizesArePowersOfTwoThenMultiplesOf1024() {
        #expect([0, 1, 2, 3, 5, 37, 64, 65, 1000, 1024, 1025, 3000].map(PlaceholderBucket.size(for:))
            == [0, 1, 2, 4, 8, 64, 64, 128, 1024, 1024, 2048, 3072])
    }

    @Test func paddingRepeatsTheLastValue() {
        #expect(PlaceholderBucket.padded(["a", "b", "c"]) == ["a", "b", "c", "c"])
        #expect(PlaceholderBucket.padded([7]) == [7])
        #expect(PlaceholderBucket.padded([Int]()).isEmpty)
    }
}
