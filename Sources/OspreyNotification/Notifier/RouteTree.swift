import OspreyConfig
import OspreyModel

/// Alertmanager's routing tree: decides which routes, and so which receivers, an alert goes to.
public struct RouteTree: Sendable {
    /// One node: its matchers, resolved settings and child routes.
    public struct Node: Sendable {
        /// Sorted as Alertmanager sorts them, by name, value, then operator.
        public var matchers: [LabelMatcher]
        public var route: MatchedRoute
        /// Whether later siblings are tried after this route matched.
        public var continues: Bool
        public var children: [Node]
    }

    public var root: Node

    /// Alertmanager's root defaults, which routes inherit unless they set their own.
    public static let defaultGroupWait = Duration.seconds(30)
    public static let defaultGroupInterval = Duration.seconds(300)
    public static let defaultRepeatInterval = Duration.seconds(4 * 3600)

    /// Builds the tree from the config, children inheriting receiver, grouping and timing.
    public init(_ configuration: AlertingRouteConfiguration) throws(LabelMatcher.InvalidRegex) {
        let defaults = MatchedRoute(
            id: "", key: "", receiver: "", grouping: .labels([]), groupWait: Self.defaultGroupWait,
            groupInterval: Self.defaultGroupInterval, repeatInterval: Self.defaultRepeatInterval)
        root = try Self.node(configuration, inheriting: defaults, under: nil, index: 0)
    }

    /// The routes an alert with these labels goes to, depth first: the deepest matching routes,
    /// siblings after a match tried only when it has `continue`; none when the root does not match.
    public func matchingRoutes(_ labels: Labels) -> [MatchedRoute] {
        Self.match(root, labels)
    }

    private static func match(_ node: Node, _ labels: Labels) -> [MatchedRoute] {
        guard labels.matches(node.matchers) else { return [] }
        var matched: [MatchedRoute] = []
        for child in node.children {
            let found = match(child, labels)
            matched += found
            if !found.isEmpty, !child.continues { break }
        }
        return matched.isEmpty ? [node.route] : matched
    }

    private static func node(
        _ configuration: AlertingRouteConfiguration, inheriting parent: MatchedRoute, under parentNode: (id: String, key: String)?,
        index: Int
    ) throws(LabelMatcher.InvalidRegex) -> Node {
        var matchers: [LabelMatcher] = configuration.match.map { LabelMatcher.equal($0.key, $0.value) }
        for (name, pattern) in configuration.matchRegex {
            matchers.append(try LabelMatcher(.regex, name, pattern))
        }
        matchers += configuration.matchers
        matchers.sort(by: alertmanagerOrder)
        let text = "{" + matchers.map(\.description).joined(separator: ",") + "}"
        let key = parentNode.map { "\($0.key)/\(text)" } ?? text
        let id = parentNode.map { "\($0.id)/\(text)/\(index)" } ?? text
        let grouping: AlertGrouping? = configuration.groupBy.map { names in
            names.contains(AlertingRouteConfiguration.groupByAll) ? .all : .labels(names)
        }
        let route = MatchedRoute(
            id: id, key: key, receiver: configuration.receiver ?? parent.receiver, grouping: grouping ?? parent.grouping,
            groupWait: configuration.groupWait ?? parent.groupWait, groupInterval: configuration.groupInterval ?? parent.groupInterval,
            repeatInterval: configuration.repeatInterval ?? parent.repeatInterval)
        var children: [Node] = []
        for (childIndex, child) in configuration.routes.enumerated() {
            children.append(try node(child, inheriting: route, under: (id, key), index: childIndex))
        }
        return Node(matchers: matchers, route: route, continues: configuration.continue, children: children)
    }

    /// Alertmanager's matcher order: name, then value (bytewise), then operator (=, !=, =~, !~).
    private static func alertmanagerOrder(_ lhs: LabelMatcher, _ rhs: LabelMatcher) -> Bool {
        let byName = compareBytes(lhs.name, rhs.name)
        if byName != 0 { return byName < 0 }
        let byValue = compareBytes(lhs.value, rhs.value)
        if byValue != 0 { return byValue < 0 }
        let kinds: [LabelMatcher.Kind] = [.equal, .notEqual, .regex, .notRegex]
        return (kinds.firstIndex(of: lhs.kind) ?? 0) < (kinds.firstIndex(of: rhs.kind) ?? 0)
    }
}
