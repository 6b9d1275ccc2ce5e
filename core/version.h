/* core/version.h - the version every program reports. */
#ifndef VIGIE_VERSION
#define VIGIE_VERSION	"0.2.0"
#endif
