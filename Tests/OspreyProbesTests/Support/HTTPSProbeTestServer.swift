import NIOCore
import NIOPosix
import NIOSSL

/// A loopback https server with a self-signed certificate for 127.0.0.1 (valid until 2126), which
/// answers every request with a short 200 and closes.
struct HTTPSProbeTestServer {
    let port: Int
    private let channel: any Channel

    /// Serves the built-in certificate unless given another one and its key.
    static func start(certificatePEM: String = certificatePEM, keyPEM: String = keyPEM) async throws -> HTTPSProbeTestServer {
        let certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(FixedAnswer())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return HTTPSProbeTestServer(port: channel.localAddress?.port ?? 0, channel: channel)
    }

    func stop() { channel.close(promise: nil) }

    private final class FixedAnswer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var answered = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !answered else { return }
            answered = true
            let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
        }
    }

    /// Expires 2126-11-05T22:10:12Z, Unix time 4949590212.
    static let expiry: Double = 4_949_590_212

    /// The server's certificate, which is its own issuer: a `ca_file` of it makes the server trusted.
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIDJzCCAg+gAwIBAgIUZ79+qRzjjxxuRVyG7fv1wkoccdIwDQYJKoZIhvcNAQEL
        BQAwFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyOTIyMTAxMloYDzIxMjYx
        MTA1MjIxMDEyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwggEiMA0GCSqGSIb3DQEB
        AQUAA4IBDwAwggEKAoIBAQDEHwUKgRtcYvGul91fVRyXSuiDTku3PQSy0YCQehMi
        0eh0fQ42PlkE8WSWnq8rQQlic8X/UdUQk49ZRT1Xwts0gRp1exIQJ8C8Z/+pldu4
        5xFU8dGutbUKBUi5E0VW5wUOgWw+DS9f685s365alli/YZw5hl+knPUgt8aORrev
        2DXHadpMi2fH+fJaUIvgUQ0NjHu+whukk7IijdxD75/dDPmuXm3uHJPWAA1tlzSk
        MaCp3pq3SDtboDCts2YR/JwsdC+6XGSSm7T6agPH+60slDhCPZzcbW2xURij62ND
        gBkncg2KbCg8i1yHAMej50IjRaR4WXmZZs8BdQdbkTB5AgMBAAGjbzBtMB0GA1Ud
        DgQWBBRK3wg1l+Bo4PN/2xvakH0W/1UzTjAfBgNVHSMEGDAWgBRK3wg1l+Bo4PN/
        2xvakH0W/1UzTjAPBgNVHRMBAf8EBTADAQH/MBoGA1UdEQQTMBGHBH8AAAGCCWxv
        Y2FsaG9zdDANBgkqhkiG9w0BAQsFAAOCAQEAata1BNTSi1fusyLJfPpdH0pLMxdM
        iuvmUHooWOEqrK9Bos1lHvWGKQ1JwQutVR15C1F6iKN+r3iU7ZEv4m7lpH/3akxx
        2y/CwpHb28sk0b17nRfzH6taeRqcb+oqCb7u6qjbw1z9K7CcYIb8WUA4CA8ElIT7
        i7GfKx5r79nJYF1Y2GWqD/ILNgKkMhyP31p1olPk6Sb0SE6uaDhXv7ySqBgLzPlu
        vTWcAgO2VSj9/fWtvq//UxMKN7oMw/nlmnQhoFv1DXemwvFkqfu4qT/qK604VkNr
        QUxTc2BI7Jj6LnadttVPZNhPK5HqWxC3OlDmsvflOB/4kBCtYl8VAR7ETA==
        -----END CERTIFICATE-----
        """

    static let keyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDEHwUKgRtcYvGu
        l91fVRyXSuiDTku3PQSy0YCQehMi0eh0fQ42PlkE8WSWnq8rQQlic8X/UdUQk49Z
        RT1Xwts0gRp1exIQJ8C8Z/+pldu45xFU8dGutbUKBUi5E0VW5wUOgWw+DS9f685s
        365alli/YZw5hl+knPUgt8aORrev2DXHadpMi2fH+fJaUIvgUQ0NjHu+whukk7Ii
        jdxD75/dDPmuXm3uHJPWAA1tlzSkMaCp3pq3SDtboDCts2YR/JwsdC+6XGSSm7T6
        agPH+60slDhCPZzcbW2xURij62NDgBkncg2KbCg8i1yHAMej50IjRaR4WXmZZs8B
        dQdbkTB5AgMBAAECggEAQr5pyUbh6GGV7Xyqbni5N7XbBmC9fNlLwY1x6vlYjNeR
        /B7ZGNXEFt4OBQJxC8/g4TwUTI1tbOxC8zcQps7eKfKr7gJZxdy5h4T/KZgiBD3D
        FL0NRp95QrVEqBOqW+ZYPrUGAOIc1tCZ2kyPei3DezI9aAhWgV+XPrC8ZowjlDhw
        Z3ED7GK6qIWs4CrJ1o7eQZWzyGhbYbxZiKq60Y4uhrBu8BrMw0FZ2FufCyynrVaM
        bwNfc3Bb3h2Cn34vzZiPVTDEqbKv0r3z5eD1ttzyV+5czFw+1R7QyD4qcwSebKnS
        LC35jcEE9nNQ4/Ru5dLmYe++dZKvPNIjbf5sC+nKBwKBgQDtF4VO276QSxMB900I
        TeXXfjf/BzNLylA07s/rq/DGX6XkMgpeShu/kMYOqIQnIAnvRH9f+tP/Ac7IuN+X
        FQAMFdYDHypz1OHobnzgulPTHSTHP7IS4YFzk0p46VNA60SMltUbA68w8bvJqDJ9
        avcKX8cZykOBso/VSCcVI/MzhwKBgQDTwwn8z2Z2iqqJf+bqmbR4RUqig0v9Q6nj
        GpFQPhaS3fk0EYLdPuo+ugWB4T08eQ8XqhfWKYO+qT3WEKEbU0YvBYgcA+BXyS17
        /uukyprfn2+polpgXMaj4GO21nfFxW0J13t/bA/49+bjLFYMQtigzQZ9Ey67/3Su
        OzzDWrl7/wKBgQDEORM7kOLGyVuR5Pr8RHxVPUFa8Lqjn22CYaPziPpdNAw4MLIk
        F3GfulIxD4dQWlPekvJYnV+XTge2WEu03syLNAdLzh90flv54ne4Bn4Z26T0wuK+
        faSF4wFf0Lv2nsC9GpiFIyd7epXQ8EPZSQ3sqBhAYAY+8WnZOz4dYQOHQQKBgQC7
        JZCrE6RrOSt0L0wlo0eCT0Khk0XSAz2eDrnD38tVasU1hhBQdazRWNdLLINQ8XAs
        Ks+8Hp5nHu0eRT4MhzDsl4ftsmNPUeVXwzgAQGpVHXOyyF/076lB5SpayPm7GDrA
        SubC+v62umgb9u/pEB6hJfEJEq3nyeEVphaSU5i/gwKBgQCG/HT1uAsWeOnQv1LE
        K95Ag/VGHvvOdv9GOQOFV5sVWkT1U+DGHcfjxI+rjjxajEk58q6v8fGN9u7m2Vgl
        kMDJ5pJZZLylOiu2xesoDxiAMsoZIdqrPC+K1X40eZCfcz18Nh+EbJtTaSKX8OYX
        F3/ItIizJeIyYF54mOqCRO2Qeg==
        -----END PRIVATE KEY-----
        """
}
