// The OpenClaw gateway protocol, generated from Spec/openclaw-rpc.json by RPCGenPlugin on every
// build. This anchor file is the only hand-written file of the target: SwiftPM needs one.
