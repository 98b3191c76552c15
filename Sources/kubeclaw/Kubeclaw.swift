import ArgumentParser

/// `kubeclaw`: the OpenClaw-compatible gateway.
@main
struct Kubeclaw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeclaw",
        abstract: "An OpenClaw-compatible gateway in front of Ollama.",
        version: BuildInfo.version,
        subcommands: [ServeCommand.self, ConformanceCommand.self, DevicesCommand.self],
        defaultSubcommand: nil)
}
