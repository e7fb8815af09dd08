import Testing

@testable import OspreyProbes

/// HTTP dates as Go's `http.ParseTime` reads them, for `probe_http_last_modified_timestamp_seconds`.
@Suite struct HTTPDateTests {
    /// RFC 9110's example instant in its three forms.
    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "sun, 06 nov 1994 08:49:37 GMT",
    ])
    func theThreeFormsOfOneInstant(text: String) {
        #expect(HTTPDate.unixSeconds(text) == 784_111_777)
    }

    @Test func datesAroundTheEpochAndLeapDays() {
        #expect(HTTPDate.unixSeconds("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.unixSeconds("Wed, 31 Dec 1969 23:59:59 GMT") == -1)
        #expect(HTTPDate.unixSeconds("Tue, 29 Feb 2000 12:00:00 GMT") == 951_825_600)
        #expect(HTTPDate.unixSeconds("Tuesday, 01-Jan-68 00:00:00 GMT") == 3_092_601_600, "two-digit years before 69 are 20xx")
    }

    @Test(arguments: [
        "", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 31 Apr 1994 08:49:37 GMT",
        "Mon, 29 Feb 1900 00:00:00 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT trailing",
        "1994-11-06T08:49:37Z",
    ])
    func whatGoCannotReadIsNoDate(text: String) {
        #expect(HTTPDate.unixSeconds(text) == nil)
    }
}
