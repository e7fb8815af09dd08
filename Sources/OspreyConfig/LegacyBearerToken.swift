extension Authorization {
    /// `authorization` with Prometheus's legacy `bearer_token`/`bearer_token_file` read into it,
    /// as scrape jobs, webhooks, Alertmanagers and probes all accept; giving more than one of
    /// the three is a problem.
    static func merging(
        _ authorization: Authorization?, bearerToken: String?, bearerTokenFile: String?, problems: inout [String]
    ) -> Authorization? {
        guard bearerToken != nil || bearerTokenFile != nil else { return authorization }
        if authorization != nil || bearerToken != nil && bearerTokenFile != nil {
            problems.append("at most one of authorization, bearer_token and bearer_token_file may be set")
        }
        return Authorization(type: "Bearer", credentials: bearerToken, credentialsFile: bearerTokenFile)
    }
}
