/// A PromQL function: its name and signature, as Prometheus 2.x defines them.
public struct Function: Sendable, Hashable {
    public let name: String
    public let argumentTypes: [ValueType]
    /// How many trailing arguments may be left out (`round(v)`, `hour()`); -1 means the last
    /// argument type repeats any number of times (`label_join`).
    public let variadic: Int
    public let returnType: ValueType

    public static func named(_ name: String) -> Function? { table[name] }

    public static let all: [Function] = {
        let m = ValueType.matrix
        let v = ValueType.vector
        let s = ValueType.scalar
        let str = ValueType.string
        var list: [Function] = [
            Function(name: "absent", argumentTypes: [v], variadic: 0, returnType: v),
            Function(name: "absent_over_time", argumentTypes: [m], variadic: 0, returnType: v),
            Function(name: "clamp", argumentTypes: [v, s, s], variadic: 0, returnType: v),
            Function(name: "clamp_max", argumentTypes: [v, s], variadic: 0, returnType: v),
            Function(name: "clamp_min", argumentTypes: [v, s], variadic: 0, returnType: v),
            Function(name: "histogram_quantile", argumentTypes: [s, v], variadic: 0, returnType: v),
            Function(name: "histogram_fraction", argumentTypes: [s, s, v], variadic: 0, returnType: v),
            Function(name: "holt_winters", argumentTypes: [m, s, s], variadic: 0, returnType: v),
            Function(name: "label_replace", argumentTypes: [v, str, str, str, str], variadic: 0, returnType: v),
            Function(name: "label_join", argumentTypes: [v, str, str, str], variadic: -1, returnType: v),
            Function(name: "pi", argumentTypes: [], variadic: 0, returnType: s),
            Function(name: "predict_linear", argumentTypes: [m, s], variadic: 0, returnType: v),
            Function(name: "quantile_over_time", argumentTypes: [s, m], variadic: 0, returnType: v),
            Function(name: "round", argumentTypes: [v, s], variadic: 1, returnType: v),
            Function(name: "scalar", argumentTypes: [v], variadic: 0, returnType: s),
            Function(name: "time", argumentTypes: [], variadic: 0, returnType: s),
            Function(name: "vector", argumentTypes: [s], variadic: 0, returnType: v),
        ]
        for name in [
            "avg_over_time", "count_over_time", "last_over_time", "max_over_time", "min_over_time",
            "present_over_time", "stddev_over_time", "stdvar_over_time", "sum_over_time",
            "changes", "resets", "delta", "deriv", "idelta", "increase", "irate", "rate",
        ] {
            list.append(Function(name: name, argumentTypes: [m], variadic: 0, returnType: v))
        }
        for name in [
            "abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sgn", "deg", "rad",
            "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
            "sort", "sort_desc", "timestamp", "histogram_count", "histogram_sum",
        ] {
            list.append(Function(name: name, argumentTypes: [v], variadic: 0, returnType: v))
        }
        for name in ["days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year"] {
            list.append(Function(name: name, argumentTypes: [v], variadic: 1, returnType: v))
        }
        return list
    }()

    private static let table: [String: Function] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
