import Hummingbird
import HummingbirdTesting
import Logging
import OspreyModel
import Testing

@testable import OspreyServer

@Suite struct ReadinessTests {
    @Test func readyIs503UntilStorageIsOpen() async throws {
        let readiness = Readiness()
        let config = try ConfigStore(path: nil, metrics: SelfMetrics(), logger: Logger(label: "test"))
        let router = Router()
        LifecycleRoutes(readiness: readiness, config: config, authorizer: Authorizer(config: config)).register(on: router)
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/-/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/-/healthy", method: .get) { response in
                #expect(response.status == .ok)
            }
            readiness.set(true)
            try await client.execute(uri: "/-/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "Osprey is Ready.\n")
            }
        }
    }

    @Test func listenAddressesParseAsPrometheusWritesThem() {
        #expect(ListenAddress("127.0.0.1:9300") == ListenAddress(host: "127.0.0.1", port: 9300))
        #expect(ListenAddress(":9300") == ListenAddress(host: "0.0.0.0", port: 9300))
        #expect(ListenAddress("[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(ListenAddress("[::1]:0")?.description == "[::1]:0")
        #expect(ListenAddress("localhost") == nil)
        #expect(ListenAddress("host:70000") == nil)
    }
}
