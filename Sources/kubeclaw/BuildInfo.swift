/// Facts baked into the binary at build time. The Dockerfile rewrites `version` from its
/// `SERVICE_VERSION` build argument before compiling; a plain `swift build` reports the
/// development version.
enum BuildInfo {
    static let version = "0.1.0-dev"
}
