import Hummingbird
import OspreyConfig

/// Checks bearer tokens against `auth.tokens`. With no tokens configured every request passes.
struct Authorizer: Sendable {
    let config: ConfigStore

    /// Passes when the request's token has `role` or `admin`; throws 401 without a known token,
    /// 403 with a token of another role. Tokens are compared, never logged.
    func require(_ role: AuthConfiguration.Role, for request: Request) throws(APIError) {
        let tokens = config.current.auth.tokens
        guard !tokens.isEmpty else { return }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw .unauthorized()
        }
        let presented = Array(header.dropFirst("bearer ".count).utf8)
        guard let token = tokens.first(where: { Self.constantTimeEqual(Array($0.token.utf8), presented) }) else {
            throw .unauthorized()
        }
        guard token.role == role || token.role == .admin else {
            throw .forbidden("token \"\(token.name)\" has role \(token.role.rawValue), this needs \(role.rawValue)")
        }
    }

    /// Compares without stopping at the first difference, so timing tells nothing of a secret.
    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
