/// What `osprey version` and `/api/v1/status/buildinfo` report.
public enum BuildInfo {
    public static let version = "0.1.0"
    public static let revision = "unknown"
    public static let branch = "main"
    public static var compilerVersion: String {
        #if compiler(>=6.3)
            "swift6.3"
        #elseif compiler(>=6.2)
            "swift6.2"
        #else
            "swift6"
        #endif
    }
}
