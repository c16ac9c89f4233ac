// The face ResNet's forward pass (dlib_face_recognition_resnet_model_v1.dat, face_models.hpp's
// descriptor_net), computed from the weights of the loaded dlib network.
//
// Why: dlib runs each convolution per sample with an element-by-element im2col that perf showed as a third
// of the network's time. Here each convolution is one row-copying im2col over the whole batch and one
// sgemm (OpenBLAS), with the batch-norm (affine) layer after it folded into its filters. The result
// matches dlib's to ~1e-6 per component; load() callers verify that on a probe chip (matches_dlib).
#pragma once

#include "engine_internal.hpp"

#include <dlib/dnn.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace fe {

class DescriptorResNet {
public:
    using chip_type = dlib::matrix<dlib::rgb_pixel>;
    using descriptor = dlib::matrix<float, 0, 1>;

    // Copies the weights of a loaded face ResNet; a network of another shape throws FE_ERR_MODELS.
    template <class Net>
    void load(Net& net);

    // The 128-d descriptor of each 150x150 chip, as dlib's net(chips) returns it.
    std::vector<descriptor> operator()(const std::vector<chip_type>& chips) const;

private:
    struct Conv {
        long filters = 0, inputs = 0, size = 0, stride = 1, padding = 0;
        std::vector<float> weights;  // [filter][input][row][col], batch-norm scale folded in
        std::vector<float> bias;     // conv bias * scale + batch-norm shift
    };
    // Activations of the whole batch, channel-major: [channel][sample][row][col] (what one GEMM writes).
    struct Tensor {
        long c = 0, n = 0, h = 0, w = 0;
        std::vector<float> v;
        float* plane(long channel, long sample) { return v.data() + ((channel * n + sample) * h) * w; }
        const float* plane(long channel, long sample) const { return v.data() + ((channel * n + sample) * h) * w; }
    };

    // At most this many chips per pass: bounds the im2col buffer (~3 MB per chip for the first layer).
    static constexpr size_t max_batch = 8;
    static constexpr long chip_size = 150;
    static constexpr long descriptor_size = 128;

    std::vector<descriptor> forward(const chip_type* chips, size_t count) const;
    static void convolve(const Conv& conv, const Tensor& in, Tensor& out, std::vector<float>& columns);
    static void relu(Tensor& t);
    // Pools with stride 2 and no padding: out = window(top-left input pixel, input row length).
    template <class Window>
    static void pool_stride2(const Tensor& in, Tensor& out, long size, Window window);
    static void max_pool_3x3_stride2(const Tensor& in, Tensor& out);
    static void avg_pool_2x2_stride2(const Tensor& in, Tensor& out);
    // dlib's add_prev: the sum over the larger of both shapes, a missing element counting as zero.
    static void add_padded(const Tensor& a, const Tensor& b, Tensor& out);

    std::vector<Conv> convs_;   // input to output
    std::vector<float> fc_;     // [input][output], as dlib's fc_no_bias
    long fc_inputs_ = 0;
    float mean_[3] = {0, 0, 0};  // input layer's per-channel means (red, green, blue)
};

namespace resnet_detail {

// Collects the computational layers of a face ResNet (dlib visits them from the output side).
struct LayerCollector {
    struct ConvLayer {
        long filters, rows, cols, stride_y, stride_x, padding_y, padding_x;
        bool has_bias;
        const dlib::tensor* params;
    };
    std::vector<ConvLayer> convs;
    std::vector<std::pair<std::vector<float>, std::vector<float>>> affines;  // gamma, beta
    std::vector<const dlib::tensor*> fcs;
    std::vector<unsigned long> fc_outputs;
    long others_with_params = 0;

    template <long F, long R, long C, int SY, int SX, int PY, int PX>
    void operator()(dlib::con_<F, R, C, SY, SX, PY, PX>& layer) {
        convs.push_back({layer.num_filters(), layer.nr(), layer.nc(), layer.stride_y(), layer.stride_x(),
                         layer.padding_y(), layer.padding_x(), !layer.bias_is_disabled(), &layer.get_layer_params()});
    }
    void operator()(dlib::affine_& layer) {
        const auto gamma = layer.get_gamma();
        const auto beta = layer.get_beta();
        affines.emplace_back(std::vector<float>(gamma.host(), gamma.host() + gamma.size()),
                             std::vector<float>(beta.host(), beta.host() + beta.size()));
    }
    template <unsigned long N, dlib::fc_bias_mode M>
    void operator()(dlib::fc_<N, M>& layer) {
        if (M != dlib::FC_NO_BIAS) ++others_with_params;
        fcs.push_back(&layer.get_layer_params());
        fc_outputs.push_back(layer.get_num_outputs());
    }
    template <class Layer>
    void operator()(Layer& layer) {
        if (layer.get_layer_params().size() != 0) ++others_with_params;
    }
};

[[noreturn]] inline void wrong_shape(const std::string& what) {
    throw Failure{FE_ERR_MODELS, "the face descriptor model does not have the expected ResNet shape: " + what};
}

}  // namespace resnet_detail

template <class Net>
void DescriptorResNet::load(Net& net) {
    using namespace resnet_detail;
    LayerCollector layers;
    dlib::visit_computational_layers(net, [&](auto& layer) { layers(layer); });
    std::reverse(layers.convs.begin(), layers.convs.end());
    std::reverse(layers.affines.begin(), layers.affines.end());

    // conv 7x7/2, then blocks of two 3x3 convs: 3 x 32, 1+3 x 64, 1+2 x 128, 1+2 x 256, 1 x 256 (the
    // first block of each level after the first strides by 2 and has an average-pooled shortcut).
    if (layers.convs.size() != 29 || layers.affines.size() != 29)
        wrong_shape(std::to_string(layers.convs.size()) + " convolutions and " +
                    std::to_string(layers.affines.size()) + " affine layers instead of 29 each");
    if (layers.fcs.size() != 1 || layers.fc_outputs[0] != descriptor_size || layers.others_with_params != 0)
        wrong_shape("the last layer is not a 128-output fc_no_bias");
    static const long widths[] = {32, 32, 32, 32, 32, 32, 32, 64, 64, 64, 64, 64, 64, 64, 64, 128, 128, 128, 128,
                                  128, 128, 256, 256, 256, 256, 256, 256, 256, 256};
    convs_.clear();
    long channels = 3;
    for (size_t i = 0; i < layers.convs.size(); ++i) {
        const auto& l = layers.convs[i];
        const bool first = i == 0;
        const bool strided = first || i == 7 || i == 15 || i == 21 || i == 27;
        const long size = first ? 7 : 3;
        const long stride = strided ? 2 : 1;
        const long padding = strided ? 0 : 1;
        if (l.filters != widths[i] || l.rows != size || l.cols != size || l.stride_y != stride ||
            l.stride_x != stride || l.padding_y != padding || l.padding_x != padding)
            wrong_shape("convolution " + std::to_string(i) + " differs");
        const long weights = l.filters * channels * size * size;
        if (long(l.params->size()) != weights + (l.has_bias ? l.filters : 0))
            wrong_shape("convolution " + std::to_string(i) + " has " + std::to_string(l.params->size()) + " parameters");
        const auto& [gamma, beta] = layers.affines[i];
        if (long(gamma.size()) != l.filters || long(beta.size()) != l.filters)
            wrong_shape("affine layer " + std::to_string(i) + " is not per channel");
        Conv conv;
        conv.filters = l.filters;
        conv.inputs = channels;
        conv.size = size;
        conv.stride = stride;
        conv.padding = padding;
        const float* p = l.params->host();
        conv.weights.assign(p, p + weights);
        conv.bias.assign(l.filters, 0.0f);
        const long per_filter = channels * size * size;
        for (long f = 0; f < l.filters; ++f) {
            for (long k = 0; k < per_filter; ++k) conv.weights[f * per_filter + k] *= gamma[f];
            conv.bias[f] = (l.has_bias ? p[weights + f] * gamma[f] : 0.0f) + beta[f];
        }
        convs_.push_back(std::move(conv));
        channels = l.filters;
    }
    fc_inputs_ = channels;
    if (long(layers.fcs[0]->size()) != fc_inputs_ * descriptor_size) wrong_shape("the fc layer's input is not 256 wide");
    fc_.assign(layers.fcs[0]->host(), layers.fcs[0]->host() + layers.fcs[0]->size());
    const auto& input = dlib::input_layer(net);
    mean_[0] = input.get_avg_red();
    mean_[1] = input.get_avg_green();
    mean_[2] = input.get_avg_blue();
}

inline std::vector<DescriptorResNet::descriptor> DescriptorResNet::operator()(const std::vector<chip_type>& chips) const {
    std::vector<descriptor> out;
    out.reserve(chips.size());
    for (size_t start = 0; start < chips.size(); start += max_batch) {
        auto part = forward(chips.data() + start, std::min(max_batch, chips.size() - start));
        for (auto& d : part) out.push_back(std::move(d));
    }
    return out;
}

inline std::vector<DescriptorResNet::descriptor> DescriptorResNet::forward(const chip_type* chips, size_t count) const {
    if (convs_.empty()) throw Failure{FE_ERR_INTERNAL, "descriptor network not loaded"};
    const long n = long(count);
    Tensor x;
    x.c = 3, x.n = n, x.h = chip_size, x.w = chip_size;
    x.v.resize(size_t(3 * n * chip_size * chip_size));
    for (long s = 0; s < n; ++s) {
        const chip_type& chip = chips[s];
        if (chip.nr() != chip_size || chip.nc() != chip_size)
            throw Failure{FE_ERR_INTERNAL, "face chip is not 150x150"};
        float* red = x.plane(0, s);
        float* green = x.plane(1, s);
        float* blue = x.plane(2, s);
        for (long r = 0, i = 0; r < chip_size; ++r)
            for (long c = 0; c < chip_size; ++c, ++i) {
                const dlib::rgb_pixel p = chip(r, c);
                red[i] = float((p.red - mean_[0]) / 256.0);
                green[i] = float((p.green - mean_[1]) / 256.0);
                blue[i] = float((p.blue - mean_[2]) / 256.0);
            }
    }

    std::vector<float> columns;
    Tensor y, z, shortcut;
    size_t next = 0;
    convolve(convs_[next++], x, y, columns);
    relu(y);
    max_pool_3x3_stride2(y, x);

    auto block = [&](bool down) {
        convolve(convs_[next++], x, y, columns);
        relu(y);
        convolve(convs_[next++], y, z, columns);
        if (down) {
            avg_pool_2x2_stride2(x, shortcut);
            add_padded(z, shortcut, x);
        } else {
            add_padded(z, x, y);
            std::swap(x, y);
        }
        relu(x);
    };
    for (int i = 0; i < 3; ++i) block(false);                           // 32
    block(true); for (int i = 0; i < 3; ++i) block(false);              // 64
    block(true); for (int i = 0; i < 2; ++i) block(false);              // 128
    block(true); for (int i = 0; i < 2; ++i) block(false);              // 256
    block(true);                                                         // 256

    std::vector<descriptor> out(count);
    std::vector<float> pooled(static_cast<size_t>(fc_inputs_));
    for (long s = 0; s < n; ++s) {
        for (long c = 0; c < x.c; ++c) {
            const float* p = x.plane(c, s);
            float sum = 0;
            for (long i = 0; i < x.h * x.w; ++i) sum += p[i];
            pooled[size_t(c)] = sum / float(x.h * x.w);
        }
        out[size_t(s)].set_size(descriptor_size);
        for (long j = 0; j < descriptor_size; ++j) {
            float sum = 0;
            for (long i = 0; i < fc_inputs_; ++i) sum += pooled[size_t(i)] * fc_[size_t(i * descriptor_size + j)];
            out[size_t(s)](j) = sum;
        }
    }
    return out;
}

inline void DescriptorResNet::convolve(const Conv& conv, const Tensor& in, Tensor& out, std::vector<float>& columns) {
    const long k = conv.size, s = conv.stride, p = conv.padding;
    const long ho = (in.h + 2 * p - k) / s + 1, wo = (in.w + 2 * p - k) / s + 1;
    const long depth = in.c * k * k, width = in.n * ho * wo;
    columns.resize(size_t(depth * width));
    // Row (channel, ki, kj) of the column matrix holds, for every sample and output pixel, the input pixel
    // under filter tap (ki, kj): rows are copied whole where the stride is 1.
    for (long c = 0; c < in.c; ++c)
        for (long ki = 0; ki < k; ++ki)
            for (long kj = 0; kj < k; ++kj) {
                float* row = columns.data() + ((c * k + ki) * k + kj) * width;
                const long lo = std::max(0L, (p - kj + s - 1) / s);
                const long hi = std::min(wo, (in.w - 1 + p - kj) / s + 1);
                for (long sample = 0; sample < in.n; ++sample) {
                    const float* plane = in.plane(c, sample);
                    for (long oy = 0; oy < ho; ++oy) {
                        float* d = row + (sample * ho + oy) * wo;
                        const long iy = oy * s - p + ki;
                        if (iy < 0 || iy >= in.h || lo >= hi) {
                            std::fill(d, d + wo, 0.0f);
                            continue;
                        }
                        const float* src = plane + iy * in.w - p + kj;
                        std::fill(d, d + lo, 0.0f);
                        if (s == 1) std::copy(src + lo, src + hi, d + lo);
                        else for (long ox = lo; ox < hi; ++ox) d[ox] = src[ox * s];
                        std::fill(d + hi, d + wo, 0.0f);
                    }
                }
            }
    out.c = conv.filters, out.n = in.n, out.h = ho, out.w = wo;
    out.v.resize(size_t(conv.filters * width));
    for (long f = 0; f < conv.filters; ++f)
        std::fill(out.v.begin() + f * width, out.v.begin() + (f + 1) * width, conv.bias[size_t(f)]);
    dlib::blas_bindings::cblas_sgemm(dlib::blas_bindings::CblasRowMajor, dlib::blas_bindings::CblasNoTrans,
                                     dlib::blas_bindings::CblasNoTrans, int(conv.filters), int(width), int(depth), 1.0f,
                                     conv.weights.data(), int(depth), columns.data(), int(width), 1.0f, out.v.data(),
                                     int(width));
}

inline void DescriptorResNet::relu(Tensor& t) {
    for (float& v : t.v) v = std::max(v, 0.0f);
}

template <class Window>
inline void DescriptorResNet::pool_stride2(const Tensor& in, Tensor& out, long size, Window window) {
    out.c = in.c, out.n = in.n, out.h = (in.h - size) / 2 + 1, out.w = (in.w - size) / 2 + 1;
    out.v.resize(size_t(out.c * out.n * out.h * out.w));
    for (long c = 0; c < in.c; ++c)
        for (long s = 0; s < in.n; ++s) {
            const float* src = in.plane(c, s);
            float* d = out.plane(c, s);
            for (long y = 0; y < out.h; ++y)
                for (long x = 0; x < out.w; ++x) d[y * out.w + x] = window(src + (2 * y) * in.w + 2 * x, in.w);
        }
}

inline void DescriptorResNet::max_pool_3x3_stride2(const Tensor& in, Tensor& out) {
    pool_stride2(in, out, 3, [](const float* w, long row) {
        float m = w[0];
        for (long r = 0; r < 3; ++r)
            for (long q = 0; q < 3; ++q) m = std::max(m, w[r * row + q]);
        return m;
    });
}

inline void DescriptorResNet::avg_pool_2x2_stride2(const Tensor& in, Tensor& out) {
    pool_stride2(in, out, 2, [](const float* w, long row) { return (w[0] + w[1] + w[row] + w[row + 1]) / 4.0f; });
}

inline void DescriptorResNet::add_padded(const Tensor& a, const Tensor& b, Tensor& out) {
    out.c = std::max(a.c, b.c), out.n = a.n, out.h = std::max(a.h, b.h), out.w = std::max(a.w, b.w);
    out.v.assign(size_t(out.c * out.n * out.h * out.w), 0.0f);
    for (const Tensor* t : {&a, &b})
        for (long c = 0; c < t->c; ++c)
            for (long s = 0; s < t->n; ++s) {
                const float* src = t->plane(c, s);
                float* d = out.plane(c, s);
                for (long y = 0; y < t->h; ++y)
                    for (long x = 0; x < t->w; ++x) d[y * out.w + x] += src[y * t->w + x];
            }
}

}  // namespace fe
