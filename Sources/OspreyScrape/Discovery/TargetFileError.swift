/// Why a target file gave no groups. Each case names the file, since the log line is all an
/// operator has to find which of many globbed files is wrong.
enum TargetFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case unsupportedExtension(file: String)
    /// Not JSON or YAML, or not a list of mappings of the expected types.
    case malformed(file: String, reason: String)
    /// One entry of the list breaks a rule of the format; `index` counts from 0, as in `source`.
    case invalidEntry(file: String, index: Int, reason: String)

    var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read the file: \(reason)"
        case .unsupportedExtension(let file): "\(file): target files must end in .json, .yml or .yaml"
        case .malformed(let file, let reason): "\(file): \(reason)"
        case .invalidEntry(let file, let index, let reason): "\(file): entry \(index): \(reason)"
        }
    }
}
