// libFuzzer's entry point for our own `main`: with it, libFuzzer's `main` is not linked and the
// harness is chosen by the first argument (or, in the copies libFuzzer starts, the environment).
#if FUZZING
    import Foundation
    import OspreyFuzzing

    // libFuzzer's entry point keeps its C name.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    @_silgen_name("LLVMFuzzerRunDriver")
    private func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    enum FuzzDriver {
        /// The harness libFuzzer's callback runs; set once, before libFuzzer starts.
        nonisolated(unsafe) private static var harness = FuzzHarness.text

        /// Runs libFuzzer with `arguments`, the program's name first.
        static func run(_ harness: FuzzHarness, arguments kept: [String]) -> Int32 {
            Self.harness = harness
            var pointers: [UnsafeMutablePointer<CChar>?] = kept.map { strdup($0) } + [nil]
            var argc = Int32(kept.count)
            return pointers.withUnsafeMutableBufferPointer { buffer in
                var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
                return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                    FuzzDriver.harness.run(UnsafeRawBufferPointer(start: data, count: size))
                    return 0
                }
            }
        }
    }
#endif
