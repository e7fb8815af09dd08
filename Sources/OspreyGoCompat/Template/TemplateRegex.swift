import OspreyModel

/// Go `regexp` patterns for `match` and `reReplaceAll`, which search anywhere in the text
/// rather than matching it whole as label matchers do.
enum TemplateRegex {
    static func compile(_ pattern: String, failure: (String) -> String) throws(TemplateFunctionError) -> GoRegex {
        do {
            return try GoRegex(pattern)
        } catch {
            throw .failed(failure("error parsing regexp: \(error.description)"))
        }
    }
}
