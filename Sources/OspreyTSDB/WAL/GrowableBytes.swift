// The buffer a WAL record is encoded into while its batch is staged.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes appended at the end of a buffer that grows with `realloc`: past the allocator's mmap
/// threshold that remaps the pages rather than copying them, so a staging buffer of tens of
/// megabytes never exists twice while it grows (a Swift array would hold the old one beside the
/// new until the copy is done, memory that the bound of pushes in flight does not see). One
/// record owns it and only that record's holder touches it, hence the unchecked `Sendable`.
final class GrowableBytes: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count: Int
    private(set) var capacity: Int

    /// A buffer holding `count` zero bytes, with room for `capacity`.
    init(zeroes count: Int, capacity: Int) {
        self.capacity = Swift.max(count, capacity, 1)
        guard let memory = calloc(self.capacity, 1) else { Self.outOfMemory(self.capacity) }
        base = memory.assumingMemoryBound(to: UInt8.self)
        self.count = count
    }

    deinit { free(base) }

    /// Room for `capacity` bytes in all; never shrinks.
    func reserve(_ capacity: Int) {
        guard capacity > self.capacity else { return }
        guard let grown = realloc(base, capacity) else { Self.outOfMemory(capacity) }
        base = grown.assumingMemoryBound(to: UInt8.self)
        self.capacity = capacity
    }

    /// Appends a LEB128 varint; the caller has made room for it.
    @inline(__always)
    func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: value) | 0x80
            count += 1
            value >>= 7
        }
        base[count] = UInt8(value)
        count += 1
    }

    /// Appends eight bytes, least significant first; the caller has made room for them.
    @inline(__always)
    func appendLittleEndian(_ value: UInt64) {
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.littleEndian, as: UInt64.self)
        count += 8
    }

    /// Writes four bytes, least significant first, over bytes already held.
    func store(_ value: UInt32, at offset: Int) {
        precondition(offset + 4 <= count)
        UnsafeMutableRawPointer(base + offset).storeBytes(of: value.littleEndian, as: UInt32.self)
    }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    private static func outOfMemory(_ bytes: Int) -> Never {
        preconditionFailure("out of memory for a WAL record of \(bytes) bytes")
    }
}
