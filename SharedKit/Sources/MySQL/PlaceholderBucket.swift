/// Pads a list of statement values to a bucketed length, so that statements whose placeholder count
/// follows the data (`IN (...)`, multi-row `VALUES`) come in a few shapes: each connection prepares
/// and caches a handful of statements instead of one per length (and never thrashes its cache).
/// The padding repeats the last value, which `IN (...)` and `INSERT IGNORE` treat as a no-op.
public enum PlaceholderBucket {
    /// The bucketed length for `count` values: powers of two up to 1,024, then multiples of 1,024.
    public static func size(for count: Int) -> Int {
        guard count > 1 else { return max(count, 0) }
        if count > 1024 { return (count + 1023) / 1024 * 1024 }
        var size = 1
        while size < count { size <<= 1 }
        return size
    }

    /// `values` with its last element repeated up to `size(for: values.count)`.
    public static func padded<T>(_ values: [T]) -> [T] {
        guard let last = values.last else { return values }
        let target = size(for: values.count)
        return values + Array(repeating: last, count: target - values.count)
    }
}
