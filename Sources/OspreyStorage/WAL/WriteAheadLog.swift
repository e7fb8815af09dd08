#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import Foundation
import OspreyModel

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
    private var buffer: [UInt8] = []
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

    /// Appends one committed batch.
    func append(_ entries: [Entry], sync: Bool) throws(StorageError) {
        guard !entries.isEmpty else { return }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: repeatElement(0, count: 8))
        var previous: Int64 = 0
        for entry in entries {
            Varint.append(UInt64(bitPattern: entry.seriesID), to: &buffer)
            let delta = entry.timestamp &- previous
            Varint.append(ZigZag.encode(delta), to: &buffer)
            previous = entry.timestamp
            withUnsafeBytes(of: entry.value.bitPattern.littleEndian) { buffer.append(contentsOf: $0) }
        }
        let payloadLength = buffer.count - 8
        let checksum = buffer.withUnsafeBufferPointer { pointer in
            UInt32(crc32(0, pointer.baseAddress! + 8, uInt(payloadLength)))
        }
        withUnsafeBytes(of: UInt32(payloadLength).littleEndian) { header in
            for index in 0..<4 { buffer[index] = header[index] }
        }
        withUnsafeBytes(of: checksum.littleEndian) { header in
            for index in 0..<4 { buffer[4 + index] = header[index] }
        }
        let failure: Int32? = buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { return errno }
                offset += written
            }
            return nil
        }
        if let failure { throw .io("WAL write failed: \(String(cString: strerror(failure)))") }
        bytesOnDisk += Int64(buffer.count)
        unsynced = true
        if sync { try self.sync() }
    }

    /// Forces written records to disk.
    func sync() throws(StorageError) {
        guard unsynced else { return }
        guard fsync(descriptor) == 0 else { throw .io("WAL fsync failed: \(String(cString: strerror(errno)))") }
        unsynced = false
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

    private static func decode(_ bytes: [UInt8], _ body: (Entry) -> Void) -> Int {
        var position = 0
        while position + 8 <= bytes.count {
            let length = Int(Self.uint32(bytes, position))
            let checksum = Self.uint32(bytes, position + 4)
            let start = position + 8
            guard start + length <= bytes.count else { break }
            let actual = bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress! + start, uInt(length))) }
            guard actual == checksum else { break }
            var cursor = start
            var previous: Int64 = 0
            let end = start + length
            var entries: [Entry] = []
            while cursor < end {
                guard let id = Varint.read(bytes, &cursor), let zigzag = Varint.read(bytes, &cursor), cursor + 8 <= end
                else { return position }
                let delta = ZigZag.decode(zigzag)
                previous = previous &+ delta
                var bits: UInt64 = 0
                for index in 0..<8 { bits |= UInt64(bytes[cursor + index]) << (8 * UInt64(index)) }
                cursor += 8
                entries.append(Entry(seriesID: Int64(bitPattern: id), timestamp: previous, value: Double(bitPattern: bits)))
            }
            entries.forEach(body)
            position = end
        }
        return position
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
