import OspreyModel

/// Go `regexp` patterns for `match` and `reReplaceAll`, which search anywhere in the text
/// rather than matching it whole as label matchers do.
enum TemplateRegex {
    static func compile(
        _ pattern: String, failure: (String) -> String
    ) throws(TemplateFunctionError) -> Regex<AnyRegexOutput> {
        do {
            // Checks the pattern against RE2's rules, which Swift's engine alone would not refuse.
            _ = try GoRegex.anchored(pattern)
        } catch {
            throw .failed(failure("error parsing regexp: \(error.description)"))
        }
        do {
            return try Regex(pattern)
                .matchingSemantics(.unicodeScalar)
                .asciiOnlyDigits()
                .asciiOnlyWordCharacters()
                .asciiOnlyWhitespace()
        } catch {
            throw .failed(failure("error parsing regexp: \(error)"))
        }
    }
}
