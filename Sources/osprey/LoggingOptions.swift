import ArgumentParser
import Logging
import OspreyServer

/// `--log-format` and `--log-level`, shared by the long-running commands.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log format: logfmt or json.")
    var logFormat = LogFormat.logfmt.rawValue

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = Logger.Level.info.rawValue

    func validate() throws {
        guard LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format \"\(logFormat)\" is not logfmt or json")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \"\(logLevel)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// Sends every logger of the process to standard error in the chosen format and level.
    func bootstrap() {
        let format = LogFormat(rawValue: logFormat) ?? .logfmt
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in OspreyLogHandler(label: label, format: format, level: level) }
    }
}
