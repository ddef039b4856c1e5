/* Test harness only, never shipped: a stand-in for Windows' bcryptprimitives.dll under Wine 8.
 *
 * Rust's standard library gets random bytes from ProcessPrng (bcryptprimitives.dll, Windows 10
 * and later); Wine 8 does not export it, so a Rust program does not even start there. This
 * forwards it to RtlGenRandom (advapi32's SystemFunction036), which Wine has. scripts/test-windows
 * builds it with MinGW and puts it beside vanity.exe in a temporary copy of the package. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
