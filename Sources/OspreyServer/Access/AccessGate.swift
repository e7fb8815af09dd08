import Hummingbird
import OspreyConfig
import OspreyStorage

/// The door every request of one kind passes: a token with its role (or `admin`), a place in
/// its own bulkhead, and the open storage. Pushes and queries each have one.
struct AccessGate: Sendable {
    let role: AuthConfiguration.Role
    let limit: ConcurrencyLimit
    let authorizer: Authorizer
    let storage: StorageService

    init(
        _ role: AuthConfiguration.Role, config: ConfigStore, storage: StorageService,
        maxConcurrent: @escaping @Sendable () -> Int
    ) {
        self.role = role
        self.limit = ConcurrencyLimit(role.rawValue, limit: maxConcurrent)
        self.authorizer = Authorizer(config: config)
        self.storage = storage
    }

    func authorize(_ request: Request) throws(APIError) {
        try authorizer.require(role, for: request)
    }

    /// The storage, or 503 while it is still opening.
    func openStorage() throws(APIError) -> any Storage {
        guard let opened = storage.opened?.storage else { throw .unavailable("storage is not open yet") }
        return opened
    }
}
