import OspreyModel
import OspreyQuery
import OspreyStorage

/// What rules read from and write to, and what their alerts carry when they leave.
public struct RuleEvaluationContext: Sendable {
    public var queryable: any Queryable
    public var appendable: any Appendable
    public var engine: QueryEngine
    /// Added to alerts sent out (not to the series rules write), as Prometheus does.
    public var externalLabels: Labels
    /// Osprey's own address as users reach it, for alert links and `$externalURL`.
    public var externalURL: String
    /// How often a firing alert is sent again while it keeps firing.
    public var resendDelay: Duration
    /// How long after a restart `for` state is still restored from `ALERTS_FOR_STATE`.
    public var outageTolerance: Duration
    /// The least time an alert restored as pending still waits before it fires.
    public var forGracePeriod: Duration

    public init(
        queryable: any Queryable, appendable: any Appendable, engine: QueryEngine = QueryEngine(),
        externalLabels: Labels = Labels(), externalURL: String = "", resendDelay: Duration = .seconds(60),
        outageTolerance: Duration = .seconds(3600), forGracePeriod: Duration = .seconds(600)
    ) {
        self.queryable = queryable
        self.appendable = appendable
        self.engine = engine
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.resendDelay = resendDelay
        self.outageTolerance = outageTolerance
        self.forGracePeriod = forGracePeriod
    }

    /// An instant query's result as a vector; a scalar is a vector of one unlabelled sample, as
    /// Prometheus's rule query function makes it.
    func vector(_ expr: Expr, at time: Timestamp) throws(RuleEvaluationError) -> [VectorElement] {
        let value: QueryValue
        do {
            value = try engine.instantQuery(expr, at: time, from: queryable)
        } catch {
            throw .query(error)
        }
        switch value {
        case .vector(let elements): return elements
        case .scalar(let sample): return [VectorElement(labels: Labels(), timestamp: time, value: sample.value)]
        case .string, .matrix: throw .notAVector(value.resultType.rawValue)
        }
    }
}
