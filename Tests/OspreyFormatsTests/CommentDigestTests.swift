import OspreyFormats
import Testing

/// A page's comment digest changes with any change to its comment lines, and only then.
@Suite struct CommentDigestTests {
    static func digest(_ page: String) throws -> CommentDigest {
        var parser = ExpositionParser(text: page, format: .text)
        parser.digestsComments = true
        var series = SeriesKeyTable()
        while try parser.nextSample(numbering: &series) != nil {}
        return parser.commentDigest
    }

    static let page = "# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.5\n"

    @Test func samplesDoNotChangeItAndCommentsDo() throws {
        let base = try Self.digest(Self.page)
        #expect(try Self.digest(Self.page.replacingOccurrences(of: "0.5", with: "0.75")) == base, "samples are not part of it")
        let changed = [
            Self.page.replacingOccurrences(of: "1m load", with: "1m Load"),
            Self.page.replacingOccurrences(of: "gauge", with: "untyped"),
            Self.page + "# HELP other_metric More.\nother_metric 1\n",
        ]
        for page in changed {
            #expect(try Self.digest(page) != base, "\(page)")
        }
        // A word moved from one line to the next.
        #expect(try Self.digest("# HELP a one two\n# HELP b three\n") != Self.digest("# HELP a one\n# HELP b two three\n"))
    }
}
