/// Why a function call failed.
enum TemplateFunctionError: Error {
    /// Reported as Go's `error calling NAME: message`.
    case failed(String)
    /// An argument of the wrong type, reported as Go's `wrong type for value; expected string; got float64`.
    case wrongType(expected: String, got: String)
}
