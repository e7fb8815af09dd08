import OspreyConfig
import OspreyModel
import OspreyScrape
import Testing

@Suite struct TargetGroupTests {
    @Test func staticConfigsBecomeOneGroupEach() {
        let groups = TargetGroup.groups(of: [
            StaticConfiguration(targets: ["a:9100", "b:9100"], labels: ["env": "prod"]),
            StaticConfiguration(targets: ["c:8000"]),
        ])
        #expect(groups.map(\.source) == ["0", "1"])
        #expect(groups[0].targets == [Labels(["__address__": "a:9100"]), Labels(["__address__": "b:9100"])])
        #expect(groups[0].labels == Labels(["env": "prod"]))
        #expect(groups[1].targets == [Labels(["__address__": "c:8000"])])
        #expect(groups[1].labels.isEmpty)
    }
}
