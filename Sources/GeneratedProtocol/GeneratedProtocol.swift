// The OpenClaw gateway protocol, generated from Spec/openclaw-rpc.json by RPCGenPlugin on every
// build. This anchor file is the only hand-written file of the target: SwiftPM needs one.
//
// The generated types are written in the runtime's JSON values, schemas and errors, and every
// module that speaks the protocol uses both, so importing the protocol imports the runtime.
@_exported import RPCRuntime
