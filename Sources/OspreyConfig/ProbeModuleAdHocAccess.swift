/// Whether an ad-hoc `/probe?module=M&target=T` may run a module against a target. `/probe`
/// lets anyone with a query token make Osprey connect where they like (another host, a
/// loopback port, a cloud metadata address), carrying whatever the module sends. A module
/// with `allowed_targets` reaches only the targets they name; a module that sends credentials
/// reaches nothing ad hoc until it has them, so a token, a password or a client certificate
/// never goes to a host the operator did not name.
extension ProbeModuleConfiguration {
    /// The settings of the module's prober that send something a target could collect, by
    /// their keys; empty for a module without credentials. Configured headers count: their
    /// values are treated as secrets (an API key is often one).
    public var credentials: [String] {
        switch prober {
        case .http:
            guard let http else { return [] }
            var found: [String] = []
            if http.basicAuth != nil { found.append("basic_auth") }
            if http.authorization != nil { found.append("authorization") }
            if !http.headers.isEmpty { found.append("headers") }
            if http.tlsConfig.certFile != nil { found.append("tls_config.cert_file") }
            return found
        case .tcp:
            return tcp?.tlsConfig.certFile != nil ? ["tls_config.cert_file"] : []
        case .dns, .icmp:
            return []
        }
    }

    /// Why `/probe` must not run this module, named `name`, against `target` (as written in
    /// the request); nil when it may.
    public func adHocRefusal(of target: String, module name: String) -> String? {
        if !allowedTargets.isEmpty {
            if allowedTargets.allows(target) { return nil }
            return "target \"\(target)\" is not allowed for module \"\(name)\": it matches none of the module's allowed_targets"
        }
        let credentials = self.credentials
        if credentials.isEmpty { return nil }
        return "module \"\(name)\" sends credentials (\(credentials.joined(separator: ", "))), so /probe runs it only against "
            + "targets its allowed_targets names, and it has none"
    }
}
