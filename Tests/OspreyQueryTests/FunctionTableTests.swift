import Testing

@testable import OspreyQuery

@Suite struct FunctionTableTests {
    @Test func everyFunctionIsFoundByItsName() {
        for function in Function.all {
            #expect(Function.named(function.name) == function)
        }
        #expect(Function.named("rate")?.argumentTypes == [.matrix])
        #expect(Function.named("no_such_function") == nil)
    }
}
