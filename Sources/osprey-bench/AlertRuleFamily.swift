import Foundation

/// A kind of alert an operator writes many of, differing in threshold, window and selector: the
/// rule benchmark draws its 1,000 rules from a few dozen of these.
struct AlertRuleFamily: Sendable {
    /// One member of the family: its place among the family's rules and the threshold, window and
    /// `for` it gets from that place.
    struct Variant: Sendable {
        let index: Int
        let count: Int
        let threshold: String
        let window: String
        let holdFor: String

        /// Picks one of `choices` by the variant's index, so neighbours differ.
        func pick<Choice>(_ choices: [Choice]) -> Choice { choices[index % choices.count] }
    }

    let name: String
    /// The thresholds spread evenly from `lowest` to `highest` over the family's rules, chosen
    /// from the yardstick's values so that some rules fire and some do not.
    let lowest: Double
    let highest: Double
    let severity: String
    let expression: @Sendable (Variant) -> String
    let summary: String
    let description: String

    /// The windows rules use for rates and trends.
    static let windows = ["1m", "2m", "5m", "10m", "15m", "30m"]
    /// `for` durations: a few fire at once, most wait longer than the benchmark runs, so both
    /// systems agree on pending versus firing however many evaluations each made.
    static let holdDurations = ["0s", "1m", "2m", "5m", "10m", "0s", "15m"]

    func variant(_ index: Int, of count: Int) -> Variant {
        let fraction = count > 1 ? Double(index) / Double(count - 1) : 0.5
        let threshold = lowest + (highest - lowest) * fraction
        return Variant(
            index: index, count: count, threshold: String(format: "%.4g", threshold),
            window: Self.windows[(index * 5 + 2) % Self.windows.count],
            holdFor: Self.holdDurations[index % Self.holdDurations.count])
    }
}
