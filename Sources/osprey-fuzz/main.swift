// `osprey-fuzz <harness> [arguments]`: built by Scripts/fuzz.sh with `-sanitize=fuzzer -DFUZZING`,
// it hands the harness to libFuzzer with the arguments that follow; built as usual, it replays the
// files and folders given (the corpus replay test runs it so), a trap naming the input it ran last.
import Foundation
import OspreyFuzzing

/// libFuzzer starts copies of the process (fork mode, crash minimizing) with its own arguments,
/// without the harness name; they find it here.
let harnessVariable = "OSPREY_FUZZ_HARNESS"

var arguments = Array(CommandLine.arguments.dropFirst())
let harness: FuzzHarness
if let name = arguments.first, let named = FuzzHarness(rawValue: name) {
    harness = named
    arguments.removeFirst()
    setenv(harnessVariable, name, 1)
} else if let name = ProcessInfo.processInfo.environment[harnessVariable], let named = FuzzHarness(rawValue: name) {
    harness = named
} else {
    let names = FuzzHarness.allCases.map(\.rawValue).joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: osprey-fuzz <harness> [libFuzzer arguments | files and folders]\nharnesses: \(names)\n".utf8))
    exit(1)
}

#if FUZZING
    exit(FuzzDriver.run(harness, arguments: [CommandLine.arguments[0]] + arguments))
#else
    exit(CorpusReplay.run(harness, paths: arguments))
#endif
