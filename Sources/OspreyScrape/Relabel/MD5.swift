/// MD5 (RFC 1321), which the `hashmod` action needs to give Prometheus's numbers. Foundation on
/// Linux offers no digest and swift-crypto is not a dependency; MD5 is small enough to carry.
/// It is used to spread targets, not for security.
enum MD5 {
    /// The 16-byte digest of `bytes`.
    static func digest(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        let wholeBlocks = bytes.count / 64
        for block in 0..<wholeBlocks {
            compress(&state, UnsafeBufferPointer(rebasing: bytes[(block * 64)..<(block * 64 + 64)]))
        }
        // The tail, a 0x80 byte, zeros up to 8 bytes short of a block, and the length in bits.
        var tail = Array(bytes[(wholeBlocks * 64)...])
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        let bitCount = UInt64(bytes.count) &* 8
        for shift in stride(from: 0, to: 64, by: 8) { tail.append(UInt8(truncatingIfNeeded: bitCount >> shift)) }
        tail.withUnsafeBufferPointer { padded in
            for start in stride(from: 0, to: padded.count, by: 64) {
                compress(&state, UnsafeBufferPointer(rebasing: padded[start..<(start + 64)]))
            }
        }
        var digest: [UInt8] = []
        digest.reserveCapacity(16)
        for word in [state.0, state.1, state.2, state.3] {
            for shift in stride(from: 0, to: 32, by: 8) { digest.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return digest
    }

    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ block: UnsafeBufferPointer<UInt8>) {
        var words = [UInt32](repeating: 0, count: 16)
        for index in 0..<16 {
            let offset = index * 4
            words[index] =
                UInt32(block[offset]) | UInt32(block[offset + 1]) << 8
                | UInt32(block[offset + 2]) << 16 | UInt32(block[offset + 3]) << 24
        }
        var (a, b, c, d) = state
        for round in 0..<64 {
            let mixed: UInt32
            let wordIndex: Int
            switch round {
            case 0..<16:
                mixed = (b & c) | (~b & d)
                wordIndex = round
            case 16..<32:
                mixed = (d & b) | (~d & c)
                wordIndex = (5 * round + 1) % 16
            case 32..<48:
                mixed = b ^ c ^ d
                wordIndex = (3 * round + 5) % 16
            default:
                mixed = c ^ (b | ~d)
                wordIndex = (7 * round) % 16
            }
            let sum = a &+ mixed &+ sines[round] &+ words[wordIndex]
            (a, d, c) = (d, c, b)
            b = b &+ sum.rotatedLeft(by: shifts[round])
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }

    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    /// `floor(abs(sin(i + 1)) * 2^32)`, written out so that no floating-point library decides them.
    private static let sines: [UInt32] = [
        0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee,
        0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
        0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be,
        0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
        0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa,
        0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
        0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed,
        0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
        0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c,
        0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
        0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05,
        0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
        0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039,
        0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
        0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1,
        0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
    ]
}

extension UInt32 {
    fileprivate func rotatedLeft(by count: UInt32) -> UInt32 {
        (self << count) | (self >> (32 - count))
    }
}
