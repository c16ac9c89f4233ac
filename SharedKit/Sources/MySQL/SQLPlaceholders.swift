/// Placeholder lists for statements whose length depends on the data (`IN (...)`, multi-row `VALUES`).
/// Values are still bound, never spliced: only the `?` groups are generated.
public enum SQLPlaceholders {
    /// `list(3)` is `?,?,?`; `list(2, each: "(?, 0)")` is `(?, 0),(?, 0)`.
    public static func list(_ count: Int, each group: String = "?") -> String {
        Array(repeating: group, count: count).joined(separator: ",")
    }
}
