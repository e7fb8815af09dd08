import CZlib
import Foundation
import OspreyModel
import OspreyStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Committed samples on disk before the head holds them, so that a crash loses nothing that was
/// acknowledged. Records are appended to numbered segment files; a checkpoint (every sample in
/// shards) starts a new segment and deletes the older ones.
///
/// A record is `length (u32 LE) · crc32 (u32 LE) · payload`; the payload lists samples as
/// `varint series id · zigzag varint timestamp delta · 8 bytes of value`. A torn record at the
/// end of the last segment, left by a crash mid-write, is cut off on replay.
final class WriteAheadLog {
    struct Entry {
        var seriesID: Int64
        var timestamp: Timestamp
        var value: Double
    }

    private let folder: String
    private var segment: Int
    private var descriptor: Int32
    private var unsynced = false
    private(set) var bytesOnDisk: Int64 = 0

    init(folder: String) throws(StorageError) {
        self.folder = folder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot create WAL folder \(folder): \(error.localizedDescription)")
        }
        let existing = Self.segments(in: folder)
        segment = (existing.last ?? 0) + 1
        descriptor = try Self.open(Self.path(folder, segment))
        bytesOnDisk = existing.reduce(0) { $0 + Self.size(Self.path(folder, $1)) }
    }

    deinit {
        close(descriptor)
    }

    /// Every entry still in the log, oldest first; a torn tail is cut off.
    func replay(_ body: (Entry) -> Void) throws(StorageError) {
        for number in Self.segments(in: folder) where number < segment {
            let path = Self.path(folder, number)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            let goodLength = Self.decode(bytes, body)
            if goodLength < bytes.count {
                truncate(path, off_t(goodLength))
            }
        }
    }

    /// A batch as its record, encoded as the entries are added: a commit then only writes bytes,
    /// and the encoding (and most of the checksum) is done while the batch is staged. The record
    /// is the batch's only copy, at about 11 bytes a sample. Its buffer is a reference: a record
    /// is staged, written and dropped, never copied.
    struct Record {
        private let bytes = GrowableBytes(zeroes: Self.headerSize, capacity: 256)
        private(set) var count = 0
        private var previousTimestamp: Int64 = 0
        private var checksum: UInt = 0
        private var checksummed = Record.headerSize

        fileprivate static let headerSize = 8
        /// Bytes checksummed at once: large enough that the call costs nothing, small enough to stay in cache.
        private static let checksumStride = 64 << 10

        var isEmpty: Bool { count == 0 }

        /// The memory the record holds, its spare room included.
        var heldBytes: Int { bytes.capacity }

        /// What the record would hold once it has room for `entries` more of a typical size.
        func heldBytes(reserving entries: Int) -> Int {
            Self.capacity(from: bytes.capacity, toHold: bytes.count + entries * Self.typicalEntry)
        }

        /// Makes room for `entries` more of a typical size, growing as appending would.
        mutating func reserveCapacity(_ entries: Int) {
            bytes.reserve(heldBytes(reserving: entries))
        }

        /// A series id of two or three bytes, a timestamp delta of one or two, and the value.
        private static let typicalEntry = 12
        /// Two varints of 64 bits and a value.
        private static let largestEntry = 28
        /// Past this size a record grows by a quarter rather than doubling: a push of millions of
        /// samples then holds at most a quarter more than its entries, not twice as much, which
        /// is what the memory bound of pushes in flight counts.
        private static let doublingLimit = 8 << 20

        private static func capacity(from capacity: Int, toHold needed: Int) -> Int {
            guard needed > capacity else { return capacity }
            var grown = Swift.max(capacity, 4096)
            while grown < needed { grown = grown < doublingLimit ? grown * 2 : grown + grown / 4 }
            return grown
        }

        mutating func append(_ entry: Entry) {
            if bytes.capacity - bytes.count < Self.largestEntry {
                bytes.reserve(Self.capacity(from: bytes.capacity, toHold: bytes.count + Self.largestEntry))
            }
            count += 1
            bytes.appendVarint(UInt64(bitPattern: entry.seriesID))
            bytes.appendVarint(ZigZag.encode(entry.timestamp &- previousTimestamp))
            previousTimestamp = entry.timestamp
            bytes.appendLittleEndian(entry.value.bitPattern)
            if bytes.count - checksummed >= Self.checksumStride { updateChecksum() }
        }

        /// The entries, in the order they were added.
        func forEach(_ body: (Entry) throws(StorageError) -> Void) throws(StorageError) {
            guard try WriteAheadLog.decodePayload(bytes.buffer, Self.headerSize..<bytes.count, body) else {
                preconditionFailure("a record decodes as it was encoded")
            }
        }

        mutating func removeAll() {
            self = Record()
        }

        private mutating func updateChecksum() {
            let from = checksummed
            checksum = crc32(checksum, bytes.base + from, uInt(bytes.count - from))
            checksummed = bytes.count
        }

        /// The record as the log stores it: length and checksum, then the payload; valid while
        /// the record is.
        fileprivate mutating func seal() -> UnsafeBufferPointer<UInt8> {
            updateChecksum()
            bytes.store(UInt32(bytes.count - Self.headerSize), at: 0)
            bytes.store(UInt32(checksum), at: 4)
            return bytes.buffer
        }
    }

    /// Appends one committed batch.
    func append(_ record: inout Record, sync: Bool) throws(StorageError) {
        guard !record.isEmpty else { return }
        let bytes = record.seal()
        let failure: Int32? = {
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { return errno }
                offset += written
            }
            return nil
        }()
        if let failure { throw .io("WAL write failed: \(String(cString: strerror(failure)))") }
        bytesOnDisk += Int64(bytes.count)
        unsynced = true
        if sync { try self.sync() }
    }

    /// Forces written records to disk.
    func sync() throws(StorageError) {
        guard unsynced else { return }
        try Self.forceToDisk(descriptor)
        unsynced = false
    }

    /// A duplicate of the segment's descriptor when records written since the last sync await
    /// one, so that the caller can force them to disk without holding the storage's lock (a
    /// segment started meanwhile cannot close it); nil when there is nothing to sync. The caller
    /// syncs and closes it with `sync(duplicate:)`, and calls `syncFailed()` if that fails.
    func descriptorToSync() throws(StorageError) -> Int32? {
        guard unsynced else { return nil }
        let copy = dup(descriptor)
        guard copy >= 0 else { throw .io("WAL fsync failed: cannot duplicate the segment's descriptor: \(String(cString: strerror(errno)))") }
        unsynced = false
        return copy
    }

    /// Forces a descriptor from `descriptorToSync()` to disk, and closes it.
    static func sync(duplicate descriptor: Int32) throws(StorageError) {
        defer { close(descriptor) }
        try forceToDisk(descriptor)
    }

    private static func forceToDisk(_ descriptor: Int32) throws(StorageError) {
        guard fsync(descriptor) == 0 else { throw .io("WAL fsync failed: \(String(cString: strerror(errno)))") }
    }

    /// The records handed for syncing by `descriptorToSync()` did not reach the disk.
    func syncFailed() {
        unsynced = true
    }

    /// Starts a new segment; the ones before it can be deleted once their samples are in shards.
    func startSegment() throws(StorageError) -> Int {
        try sync()
        close(descriptor)
        segment += 1
        descriptor = try Self.open(Self.path(folder, segment))
        return segment
    }

    /// Deletes the segments before `segment`.
    func deleteSegments(before segment: Int) {
        for number in Self.segments(in: folder) where number < segment {
            let path = Self.path(folder, number)
            bytesOnDisk -= Self.size(path)
            unlink(path)
        }
    }

    // MARK: Files

    /// Replays whole records: a record whose checksum or payload does not hold ends the good part.
    private static func decode(_ bytes: [UInt8], _ body: (Entry) -> Void) -> Int {
        var position = 0
        while position + Record.headerSize <= bytes.count {
            let length = Int(Self.uint32(bytes, position))
            let checksum = Self.uint32(bytes, position + 4)
            let payload = (position + Record.headerSize)..<(position + Record.headerSize + length)
            guard payload.upperBound <= bytes.count else { break }
            let actual = bytes.withUnsafeBufferPointer {
                UInt32(crc32(0, $0.baseAddress! + payload.lowerBound, uInt(length)))
            }
            // A record is replayed whole or not at all: its entries are collected before any is applied.
            var entries: [Entry] = []
            let decoded = bytes.withUnsafeBufferPointer { buffer in
                (try? decodePayload(buffer, payload) { entries.append($0) }) == true
            }
            guard actual == checksum, decoded else { break }
            entries.forEach(body)
            position = payload.upperBound
        }
        return position
    }

    /// Calls `body` with each entry of a record's payload; false if the payload is malformed
    /// (then `body` has seen the entries before the fault).
    fileprivate static func decodePayload(
        _ buffer: UnsafeBufferPointer<UInt8>, _ payload: Range<Int>, _ body: (Entry) throws(StorageError) -> Void
    ) throws(StorageError) -> Bool {
        var cursor = payload.lowerBound
        var previous: Int64 = 0
        while cursor < payload.upperBound {
            guard let id = Varint.read(buffer, &cursor, end: payload.upperBound),
                let zigzag = Varint.read(buffer, &cursor, end: payload.upperBound), cursor + 8 <= payload.upperBound
            else { return false }
            previous = previous &+ ZigZag.decode(zigzag)
            let bits = UInt64(littleEndian: UnsafeRawPointer(buffer.baseAddress! + cursor).loadUnaligned(as: UInt64.self))
            cursor += 8
            try body(Entry(seriesID: Int64(bitPattern: id), timestamp: previous, value: Double(bitPattern: bits)))
        }
        return true
    }

    private static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    private static func segments(in folder: String) -> [Int] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { Int($0) }.sorted()
    }

    private static func path(_ folder: String, _ number: Int) -> String {
        let digits = String(number)
        return folder + "/" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    private static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    private static func open(_ path: String) throws(StorageError) -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io("cannot open WAL segment \(path): \(String(cString: strerror(errno)))") }
        return descriptor
    }
}
