// Reading image files with clear, typed failures (missing, unreadable, empty, too large).
#include "engine_internal.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fe {

std::vector<uint8_t> read_file(const char* path, int64_t max_bytes) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int code = errno;
        if (code == ENOENT || code == ENOTDIR) throw Failure{FE_ERR_FILE_NOT_FOUND, path};
        throw Failure{FE_ERR_UNREADABLE, std::string(path) + ": " + std::strerror(code)};
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};

    struct stat info {};
    if (::fstat(fd, &info) != 0) throw Failure{FE_ERR_UNREADABLE, std::string(path) + ": " + std::strerror(errno)};
    if (S_ISDIR(info.st_mode)) throw Failure{FE_ERR_UNREADABLE, std::string(path) + ": is a directory"};
    if (!S_ISREG(info.st_mode)) throw Failure{FE_ERR_UNREADABLE, std::string(path) + ": not a regular file"};
    if (info.st_size == 0) throw Failure{FE_ERR_EMPTY, "the image file is empty"};
    if (max_bytes > 0 && info.st_size > max_bytes)
        throw Failure{FE_ERR_FILE_TOO_LARGE, "file too large", static_cast<int64_t>(info.st_size), max_bytes};

    std::vector<uint8_t> bytes(static_cast<size_t>(info.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Failure{FE_ERR_UNREADABLE, std::string(path) + ": " + std::strerror(errno)};
        }
        if (n == 0) break;  // shrank while reading
        done += static_cast<size_t>(n);
    }
    bytes.resize(done);
    if (bytes.empty()) throw Failure{FE_ERR_EMPTY, "the image file is empty"};
    return bytes;
}

}  // namespace fe
