/// The dashboards compiled into the binary from `Dashboards/BuiltIn/` (listed in Package.swift's
/// resources too), so that a server started anywhere has them.
enum BuiltInDashboards {
    static let files: [(name: String, json: [UInt8])] = [
        ("infrastructure.json", PackageResources.infrastructure_json),
        ("application.json", PackageResources.application_json),
        ("business.json", PackageResources.business_json),
        ("synthetic-checks.json", PackageResources.synthetic_checks_json),
        ("osprey.json", PackageResources.osprey_json),
    ]
}
