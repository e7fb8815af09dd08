/// The labels Prometheus gives a target before relabelling; those starting with `__` are
/// dropped once relabelling is done.
public enum TargetLabelNames {
    public static let address = "__address__"
    public static let scheme = "__scheme__"
    public static let metricsPath = "__metrics_path__"
    public static let scrapeInterval = "__scrape_interval__"
    public static let scrapeTimeout = "__scrape_timeout__"
    /// `__param_<name>`: a URL parameter of the scrape.
    public static let paramPrefix = "__param_"
    /// Reserved for relabelling's own temporary labels.
    public static let temporaryPrefix = "__tmp_"
    public static let job = "job"
    public static let instance = "instance"
}
