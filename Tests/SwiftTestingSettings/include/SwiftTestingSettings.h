// Settings for the Swift Testing runner of this package's test bundle, applied when the bundle
// is loaded (see SwiftTestingSettings.c). Nothing to call: linking the target is enough.
#pragma once
