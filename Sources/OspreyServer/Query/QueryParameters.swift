import OspreyConfig
import OspreyModel
import OspreyQuery

/// Reading the API's parameters from a request's form, with Prometheus's words for each failure.
extension FormValues {
    /// An optional time (`time`, or `start`/`end` of the metadata endpoints), as Prometheus's
    /// `parseTimeParam`: absent gives `default`, unreadable is an error naming the parameter twice.
    func time(_ name: String, default defaultValue: Timestamp) throws(APIError) -> Timestamp {
        let text = self[name]
        guard !text.isEmpty else { return defaultValue }
        do {
            return try APITime.timestamp(text)
        } catch {
            throw .invalidParameter(name, "Invalid time value for '\(name)': \(error)")
        }
    }

    /// A required time (`start`, `end` of a range query), as Prometheus's `parseTime`.
    func requiredTime(_ name: String) throws(APIError) -> Timestamp {
        do {
            return try APITime.timestamp(self[name])
        } catch {
            throw .invalidParameter(name, error.description)
        }
    }

    /// A duration in milliseconds (`step`, `timeout`).
    func duration(_ name: String) throws(APIError) -> Int64 {
        do {
            return try APITime.duration(self[name])
        } catch {
            throw .invalidParameter(name, error.description)
        }
    }

    /// How long this query may run: `query.timeout`, or the request's shorter `timeout`.
    func timeout(within configuration: QueryConfiguration) throws(APIError) -> Duration {
        guard !self["timeout"].isEmpty else { return configuration.timeout }
        return min(configuration.timeout, .milliseconds(try duration("timeout")))
    }

    /// Each `match[]` as a selector's matchers. The error is Prometheus's text without the
    /// parameter's name, which some endpoints add and some do not.
    func matcherSets() throws(MatchError) -> [[LabelMatcher]] {
        var sets: [[LabelMatcher]] = []
        for text in all("match[]") {
            do {
                sets.append(try PromQL.parseSelector(text).matchers)
            } catch {
                throw MatchError(description: error.description)
            }
        }
        // A selector every series matches would list the whole database.
        if sets.contains(where: { $0.allSatisfy(\.matchesEmpty) }) {
            throw MatchError(description: "match[] must contain at least one non-empty matcher")
        }
        return sets
    }

    struct MatchError: Error, CustomStringConvertible {
        var description: String
    }
}

extension QueryConfiguration {
    /// The engine's options for one query; subqueries without a step take the evaluation
    /// interval, as in Prometheus.
    func engineOptions(timeout: Duration, evaluationInterval: Duration) -> QueryOptions {
        var options = QueryOptions()
        options.timeout = timeout
        options.maxSamples = maxSamples
        options.lookbackDelta = lookbackDelta.milliseconds
        options.defaultSubqueryStep = max(evaluationInterval.milliseconds, 1)
        return options
    }
}
