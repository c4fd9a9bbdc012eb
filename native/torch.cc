// libtorch binding: tensor handles, a boxed call into any ATen operator by schema, autograd,
// data in/out, and process-wide settings. Everything TypeScript needs goes through here.
//
// Tensors cross into JS as N-API externals holding a heap `at::Tensor` (a refcounted handle).
// Ops are not bound one by one: JS looks an operator up once by its schema name
// ("aten::conv2d", overload "") and calls it with positional JS values that are converted by the
// schema's argument types. So the whole ATen surface (and autograd, which sits in the dispatcher)
// is available with one small, checked code path.
#include <torch/torch.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <napi.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>

#include "bridge.h"

namespace mmts {

// ---------------------------------------------------------------------------------------------
// Handles

struct TensorBox {
  at::Tensor t;
  int64_t reported = 0;  // bytes this handle owns (see syncExternalMemory)
  bool counted = false;  // whether `reported` is in tOwnedBytes (what V8 is told about)
};

static const napi_type_tag kTensorTag = {0x6d6d6163746e7473ULL, 0x746f726368746e73ULL};
static std::atomic<int64_t> gLiveHandles{0};  // handles holding a tensor (not disposed, not collected)
static std::atomic<int64_t> gReportedBytes{0};

struct TensorOwner {
  at::Tensor t;
};

static int64_t ownBytes(const at::Tensor& t) {
  // Report a storage once: only when this handle is its sole owner at creation (fresh results);
  // views and in-place results share storage with an existing handle and report nothing.
  if (!t.defined() || !t.has_storage()) return 0;
  const auto& s = t.storage();
  if (s.use_count() != 1) return 0;
  if (!t.device().is_cpu()) return 0;
  return static_cast<int64_t>(s.nbytes());
}

// What V8 is told. V8 starts a full (concurrently marking) GC whenever external memory grows by
// 64 MB since its last one; a forward or training step allocates and frees hundreds of MB of
// activations that are all freed explicitly, and reporting every byte made V8 run several useless
// mark-compacts per step, their marking threads competing with libtorch's for the cores. So:
//  - a handle created inside a tidy() scope (tScopeDepth > 0, set by src/torch/scope.ts) is not
//    counted: the scope frees it deterministically. It is counted when it escapes every scope (the
//    outermost tidy returns it, or keep() takes it): from then on only the GC may free it;
//  - V8 is told what the counted handles own beyond a slack of 256 MB.
// A real leak (handles dropped without dispose outside any scope) still shows up as memory pressure.
// Per thread, because each Node worker thread is its own isolate and handles never cross threads.
static constexpr int64_t kUnreportedSlack = int64_t(256) << 20;
static thread_local int64_t tOwnedBytes = 0;  // bytes owned by this thread's counted live handles
static thread_local int64_t tToV8 = 0;        // bytes currently reported to this thread's isolate
static thread_local int32_t tScopeDepth = 0;  // open tidy() scopes on this thread

static void syncExternalMemory(Napi::Env env) {
  const int64_t want = tOwnedBytes > kUnreportedSlack ? tOwnedBytes - kUnreportedSlack : 0;
  if (want != tToV8) {
    Napi::MemoryManagement::AdjustExternalMemory(env, want - tToV8);
    tToV8 = want;
  }
}

static void countBox(Napi::Env env, TensorBox* box) {
  if (box->counted || !box->reported) return;
  box->counted = true;
  tOwnedBytes += box->reported;
  syncExternalMemory(env);
}

static void releaseBox(Napi::Env env, TensorBox* box) {
  if (box->t.defined()) gLiveHandles--;
  if (box->reported) {
    gReportedBytes -= box->reported;
    if (box->counted) {
      tOwnedBytes -= box->reported;
      box->counted = false;
      syncExternalMemory(env);
    }
    box->reported = 0;
  }
  box->t = at::Tensor();
}

static Napi::Value wrap(Napi::Env env, at::Tensor t) {
  auto* box = new TensorBox{std::move(t), 0};
  box->reported = ownBytes(box->t);
  if (box->reported) {
    gReportedBytes += box->reported;
    if (tScopeDepth == 0) countBox(env, box);
  }
  gLiveHandles++;
  auto ext = Napi::External<TensorBox>::New(env, box, [](Napi::Env env, TensorBox* b) {
    releaseBox(env, b);
    delete b;
  });
  napi_type_tag_object(env, ext, &kTensorTag);
  return ext;
}

static bool isHandle(Napi::Env env, Napi::Value v) {
  if (!v.IsExternal()) return false;
  bool ok = false;
  napi_check_object_type_tag(env, v, &kTensorTag, &ok);
  return ok;
}

static TensorBox* boxOf(Napi::Value v, const char* what = "tensor") {
  Napi::Env env = v.Env();
  if (!isHandle(env, v)) throw Napi::TypeError::New(env, std::string("expected a tensor handle for ") + what);
  return v.As<Napi::External<TensorBox>>().Data();
}

static const at::Tensor& tensorOf(Napi::Value v, const char* what = "tensor") {
  auto* b = boxOf(v, what);
  if (!b->t.defined()) throw Napi::Error::New(v.Env(), std::string("use of a disposed tensor (") + what + ")");
  return b->t;
}

// Bridge for other translation units (video): see bridge.h.
static at::ScalarType toScalarType(ElemType e) {
  switch (e) {
    case ElemType::kUInt8: return at::kByte;
    case ElemType::kInt16: return at::kShort;
    case ElemType::kInt32: return at::kInt;
    case ElemType::kInt64: return at::kLong;
    case ElemType::kFloat32: return at::kFloat;
    case ElemType::kFloat64: return at::kDouble;
  }
  return at::kByte;
}

TensorOwner* allocTensor(const std::vector<int64_t>& shape, ElemType type, void** data) {
  auto* o = new TensorOwner{at::empty(shape, at::TensorOptions().dtype(toScalarType(type)))};
  *data = o->t.data_ptr();
  return o;
}

Napi::Value wrapTensor(Napi::Env env, TensorOwner* owner) {
  at::Tensor t = std::move(owner->t);
  delete owner;
  return wrap(env, std::move(t));
}

void freeTensor(TensorOwner* owner) { delete owner; }

void* tensorData(Napi::Value handle, ElemType type, std::vector<int64_t>* shape) {
  const at::Tensor& t = tensorOf(handle);
  if (!t.device().is_cpu() || !t.is_contiguous() || t.scalar_type() != toScalarType(type))
    throw Napi::TypeError::New(handle.Env(), std::string("expected a contiguous CPU tensor of type ") +
                                                 c10::toString(toScalarType(type)) + ", got " +
                                                 c10::toString(t.scalar_type()));
  if (shape) *shape = t.sizes().vec();
  return t.data_ptr();
}

// ---------------------------------------------------------------------------------------------
// Errors: every exported function runs inside guard(), which turns C++ exceptions into JS ones.

template <typename F>
static Napi::Value guard(const Napi::CallbackInfo& info, F&& f) {
  Napi::Env env = info.Env();
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "unknown C++ exception in the libtorch binding");
  }
}

#define EXPORT(name) static Napi::Value name(const Napi::CallbackInfo& info)
#define GUARD return guard(info, [&]() -> Napi::Value
#define END_GUARD );

// ---------------------------------------------------------------------------------------------
// dtype / device codes shared with src/torch/dtype.ts (c10::ScalarType numbering)

static at::ScalarType scalarTypeFromInt(Napi::Env env, int64_t v) {
  if (v < 0 || v >= static_cast<int64_t>(at::ScalarType::NumOptions))
    throw Napi::RangeError::New(env, "invalid dtype code " + std::to_string(v));
  return static_cast<at::ScalarType>(v);
}

// ---------------------------------------------------------------------------------------------
// JS value -> IValue by schema type

static int64_t toInt(Napi::Env env, Napi::Value v, const std::string& where) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d != static_cast<double>(static_cast<int64_t>(d)))
      throw Napi::TypeError::New(env, where + ": expected an integer, got " + std::to_string(d));
    return static_cast<int64_t>(d);
  }
  if (v.IsBigInt()) {
    bool lossless = true;
    int64_t r = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(env, where + ": integer out of int64 range");
    return r;
  }
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1 : 0;
  throw Napi::TypeError::New(env, where + ": expected an integer");
}

static double toDouble(Napi::Env env, Napi::Value v, const std::string& where) {
  if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue();
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1.0 : 0.0;
  if (v.IsBigInt()) return static_cast<double>(v.As<Napi::BigInt>().Int64Value(nullptr));
  throw Napi::TypeError::New(env, where + ": expected a number");
}

static at::Scalar toScalar(Napi::Env env, Napi::Value v, const std::string& where) {
  if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
  if (v.IsBigInt()) return at::Scalar(toInt(env, v, where));
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    // JS has one number type: integral values become int Scalars (so int tensors stay int),
    // others double. A {f: x} object forces a float Scalar (e.g. int tensor * 2.0 -> float).
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.007199254740992e15)
      return at::Scalar(static_cast<int64_t>(d));
    return at::Scalar(d);
  }
  if (v.IsObject() && !v.IsArray() && !v.IsExternal()) {
    Napi::Object o = v.As<Napi::Object>();
    if (o.Has("f")) return at::Scalar(toDouble(env, o.Get("f"), where));
  }
  if (isHandle(env, v)) {
    const at::Tensor& t = tensorOf(v, where.c_str());
    if (t.numel() != 1) throw Napi::TypeError::New(env, where + ": expected a number or a one-element tensor");
    return t.item();
  }
  throw Napi::TypeError::New(env, where + ": expected a number");
}

static std::vector<int64_t> toIntList(Napi::Env env, Napi::Value v, size_t fixedN, const std::string& where) {
  std::vector<int64_t> out;
  if (v.IsArray()) {
    Napi::Array a = v.As<Napi::Array>();
    out.reserve(a.Length());
    for (uint32_t i = 0; i < a.Length(); i++) out.push_back(toInt(env, a.Get(i), where));
  } else if (v.IsNumber() || v.IsBigInt()) {
    // PyTorch broadcasts a single int to a fixed-size list (kernel_size=3 -> [3, 3]).
    int64_t x = toInt(env, v, where);
    out.assign(fixedN ? fixedN : 1, x);
  } else {
    throw Napi::TypeError::New(env, where + ": expected an array of integers");
  }
  return out;
}

static c10::IValue toIValue(Napi::Env env, Napi::Value v, const c10::TypePtr& type, size_t fixedN,
                            const std::string& where) {
  using c10::TypeKind;
  const bool missing = v.IsUndefined() || v.IsNull();
  switch (type->kind()) {
    case TypeKind::OptionalType: {
      if (missing) return c10::IValue();
      return toIValue(env, v, type->expectRef<c10::OptionalType>().getElementType(), fixedN, where);
    }
    case TypeKind::TensorType:
      if (missing) throw Napi::TypeError::New(env, where + ": a tensor is required");
      return tensorOf(v, where.c_str());
    case TypeKind::IntType:
#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
    case TypeKind::SymIntType:
#endif
      if (v.IsString()) throw Napi::TypeError::New(env, where + ": expected an integer, got a string");
      return toInt(env, v, where);
    case TypeKind::FloatType:
      return toDouble(env, v, where);
    case TypeKind::BoolType:
      if (!v.IsBoolean() && !v.IsNumber()) throw Napi::TypeError::New(env, where + ": expected a boolean");
      return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : v.As<Napi::Number>().DoubleValue() != 0;
    case TypeKind::NumberType:
      return toScalar(env, v, where);
    case TypeKind::StringType:
      if (!v.IsString()) throw Napi::TypeError::New(env, where + ": expected a string");
      return v.As<Napi::String>().Utf8Value();
    case TypeKind::DeviceObjType:
      if (!v.IsString()) throw Napi::TypeError::New(env, where + ": expected a device string such as 'cpu'");
      return c10::Device(v.As<Napi::String>().Utf8Value());
    case TypeKind::ScalarTypeType:
    case TypeKind::LayoutType:
    case TypeKind::MemoryFormatType:
      return toInt(env, v, where);
    case TypeKind::GeneratorType:
      if (!missing) throw Napi::TypeError::New(env, where + ": explicit generators are not supported");
      return c10::IValue();
    case TypeKind::ListType: {
      const auto& elem = type->expectRef<c10::ListType>().getElementType();
      switch (elem->kind()) {
        case TypeKind::IntType:
#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
        case TypeKind::SymIntType:
#endif
          return toIntList(env, v, fixedN, where);
        case TypeKind::FloatType: {
          std::vector<double> out;
          if (v.IsArray()) {
            Napi::Array a = v.As<Napi::Array>();
            for (uint32_t i = 0; i < a.Length(); i++) out.push_back(toDouble(env, a.Get(i), where));
          } else {
            out.assign(fixedN ? fixedN : 1, toDouble(env, v, where));
          }
          return out;
        }
        case TypeKind::BoolType: {
          if (!v.IsArray()) throw Napi::TypeError::New(env, where + ": expected an array of booleans");
          Napi::Array a = v.As<Napi::Array>();
          c10::List<bool> out;
          for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).ToBoolean().Value());
          if (fixedN == 3) {
            std::array<bool, 3> arr{};
            for (size_t i = 0; i < 3 && i < out.size(); i++) arr[i] = out.get(i);
            return c10::IValue(arr);
          }
          return out;
        }
        case TypeKind::TensorType: {
          if (!v.IsArray()) throw Napi::TypeError::New(env, where + ": expected an array of tensors");
          Napi::Array a = v.As<Napi::Array>();
          std::vector<at::Tensor> out;
          out.reserve(a.Length());
          for (uint32_t i = 0; i < a.Length(); i++) out.push_back(tensorOf(a.Get(i), where.c_str()));
          return out;
        }
        case TypeKind::OptionalType: {
          // Tensor?[] (advanced indexing)
          if (!v.IsArray()) throw Napi::TypeError::New(env, where + ": expected an array");
          Napi::Array a = v.As<Napi::Array>();
          c10::List<c10::optional<at::Tensor>> out;
          for (uint32_t i = 0; i < a.Length(); i++) {
            Napi::Value x = a.Get(i);
            if (x.IsUndefined() || x.IsNull()) out.push_back(c10::nullopt);
            else out.push_back(tensorOf(x, where.c_str()));
          }
          return out;
        }
        default:
          break;
      }
      break;
    }
    default:
      break;
  }
  throw Napi::TypeError::New(env, where + ": unsupported argument type " + type->str());
}

static Napi::Value fromIValue(Napi::Env env, const c10::IValue& v) {
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    if (!t.defined()) return env.Null();
    return wrap(env, t);
  }
  if (v.isNone()) return env.Null();
  if (v.isInt()) return Napi::Number::New(env, static_cast<double>(v.toInt()));
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isScalar()) {
    auto s = v.toScalar();
    if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
    return Napi::Number::New(env, s.toDouble());
  }
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isTensorList()) {
    auto l = v.toTensorList();
    Napi::Array a = Napi::Array::New(env, l.size());
    for (size_t i = 0; i < l.size(); i++) a.Set(i, wrap(env, l.get(i)));
    return a;
  }
  if (v.isTuple()) {
    const auto& el = v.toTupleRef().elements();
    Napi::Array a = Napi::Array::New(env, el.size());
    for (size_t i = 0; i < el.size(); i++) a.Set(i, fromIValue(env, el[i]));
    return a;
  }
  if (v.isList()) {
    auto l = v.toListRef();
    Napi::Array a = Napi::Array::New(env, l.size());
    for (size_t i = 0; i < l.size(); i++) a.Set(i, fromIValue(env, l[i]));
    return a;
  }
  if (v.isDevice()) return Napi::String::New(env, v.toDevice().str());
  throw Napi::TypeError::New(env, "unsupported return type " + v.tagKind());
}

// ---------------------------------------------------------------------------------------------
// Operator table

struct OpEntry {
  c10::OperatorHandle handle;
  std::string name;
  std::vector<std::string> argNames;
};
static std::vector<OpEntry> gOps;
static std::unordered_map<std::string, size_t> gOpIndex;

EXPORT(opLookup) {
  GUARD {
    std::string name = info[0].As<Napi::String>().Utf8Value();
    std::string overload = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
    std::string key = name + "." + overload;
    auto it = gOpIndex.find(key);
    if (it != gOpIndex.end()) return Napi::Number::New(info.Env(), static_cast<double>(it->second));
    auto h = c10::Dispatcher::singleton().findSchema({name, overload});
    if (!h) throw Napi::Error::New(info.Env(), "libtorch has no operator " + name + (overload.empty() ? "" : "." + overload));
    OpEntry e{*h, key, {}};
    for (const auto& a : h->schema().arguments()) e.argNames.push_back(a.name());
    gOps.push_back(std::move(e));
    gOpIndex[key] = gOps.size() - 1;
    return Napi::Number::New(info.Env(), static_cast<double>(gOps.size() - 1));
  } END_GUARD
}

EXPORT(opSchema) {
  GUARD {
    size_t id = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
    if (id >= gOps.size()) throw Napi::RangeError::New(info.Env(), "bad op id");
    std::ostringstream os;
    os << gOps[id].handle.schema();
    return Napi::String::New(info.Env(), os.str());
  } END_GUARD
}

// opCall(id, args[], kwargs?) -> result
EXPORT(opCall) {
  GUARD {
    Napi::Env env = info.Env();
    size_t id = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
    if (id >= gOps.size()) throw Napi::RangeError::New(env, "bad op id");
    const OpEntry& op = gOps[id];
    const auto& schema = op.handle.schema();
    const auto& args = schema.arguments();
    Napi::Array js = info[1].As<Napi::Array>();
    Napi::Object kw = info.Length() > 2 && info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object();
    if (js.Length() > args.size())
      throw Napi::TypeError::New(env, op.name + ": takes " + std::to_string(args.size()) + " arguments, got " +
                                          std::to_string(js.Length()));
    torch::jit::Stack stack;
    stack.reserve(args.size());
    for (size_t i = 0; i < args.size(); i++) {
      const auto& a = args[i];
      Napi::Value v = i < js.Length() ? js.Get(static_cast<uint32_t>(i)) : env.Undefined();
      if (v.IsUndefined() && !kw.IsEmpty() && kw.Has(a.name())) v = kw.Get(a.name());
      if (v.IsUndefined()) {
        if (a.default_value()) {
          stack.push_back(*a.default_value());
          continue;
        }
        if (a.type()->kind() != c10::TypeKind::OptionalType)
          throw Napi::TypeError::New(env, op.name + ": missing argument '" + a.name() + "'");
      }
      size_t n = a.N() ? static_cast<size_t>(*a.N()) : 0;
      stack.push_back(toIValue(env, v, a.type(), n, op.name + " argument '" + a.name() + "'"));
    }
    op.handle.callBoxed(&stack);
    if (stack.empty()) return env.Undefined();
    if (stack.size() == 1) return fromIValue(env, stack[0]);
    Napi::Array out = Napi::Array::New(env, stack.size());
    for (size_t i = 0; i < stack.size(); i++) out.Set(i, fromIValue(env, stack[i]));
    return out;
  } END_GUARD
}

// ---------------------------------------------------------------------------------------------
// Tensor metadata and data

EXPORT(tensorInfo) {  // [dtypeCode, shape[], device, requiresGrad]
  GUARD {
    Napi::Env env = info.Env();
    const at::Tensor& t = tensorOf(info[0]);
    Napi::Array shape = Napi::Array::New(env, t.dim());
    for (int64_t i = 0; i < t.dim(); i++) shape.Set(i, Napi::Number::New(env, static_cast<double>(t.size(i))));
    Napi::Array out = Napi::Array::New(env, 4);
    out.Set(0u, Napi::Number::New(env, static_cast<int>(t.scalar_type())));
    out.Set(1u, shape);
    out.Set(2u, Napi::String::New(env, t.device().str()));
    out.Set(3u, Napi::Boolean::New(env, t.requires_grad()));
    return out;
  } END_GUARD
}

EXPORT(shape) {
  GUARD {
    Napi::Env env = info.Env();
    const at::Tensor& t = tensorOf(info[0]);
    Napi::Array shape = Napi::Array::New(env, t.dim());
    for (int64_t i = 0; i < t.dim(); i++) shape.Set(i, Napi::Number::New(env, static_cast<double>(t.size(i))));
    return shape;
  } END_GUARD
}

EXPORT(dtype) {
  GUARD { return Napi::Number::New(info.Env(), static_cast<int>(tensorOf(info[0]).scalar_type())); } END_GUARD
}

EXPORT(device) {
  GUARD { return Napi::String::New(info.Env(), tensorOf(info[0]).device().str()); } END_GUARD
}

EXPORT(strideOf) {
  GUARD {
    Napi::Env env = info.Env();
    const at::Tensor& t = tensorOf(info[0]);
    Napi::Array s = Napi::Array::New(env, t.dim());
    for (int64_t i = 0; i < t.dim(); i++) s.Set(i, Napi::Number::New(env, static_cast<double>(t.stride(i))));
    return s;
  } END_GUARD
}

EXPORT(storageInfo) {  // [key: bigint, nbytes, offset (elements)]
  GUARD {
    Napi::Env env = info.Env();
    const at::Tensor& t = tensorOf(info[0]);
    Napi::Array out = Napi::Array::New(env, 3);
    if (!t.has_storage()) throw Napi::Error::New(env, "tensor has no storage");
    out.Set(0u, Napi::BigInt::New(env, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(t.storage().unsafeGetStorageImpl()))));
    out.Set(1u, Napi::Number::New(env, static_cast<double>(t.storage().nbytes())));
    out.Set(2u, Napi::Number::New(env, static_cast<double>(t.storage_offset())));
    return out;
  } END_GUARD
}

EXPORT(storageBytes) {  // copy of the whole underlying storage (CPU)
  GUARD {
    Napi::Env env = info.Env();
    at::Tensor t = tensorOf(info[0]);
    if (!t.device().is_cpu()) t = t.to(at::kCPU);
    const auto& s = t.storage();
    auto buf = Napi::ArrayBuffer::New(env, s.nbytes());
    if (s.nbytes()) std::memcpy(buf.Data(), s.data(), s.nbytes());
    return buf;
  } END_GUARD
}

static size_t itemsize(at::ScalarType st) { return c10::elementSize(st); }

// fromBuffer(arrayBufferView|ArrayBuffer, shape[], dtypeCode) -> handle (copies)
EXPORT(fromBuffer) {
  GUARD {
    Napi::Env env = info.Env();
    const uint8_t* src = nullptr;
    size_t nbytes = 0;
    if (info[0].IsTypedArray()) {
      auto ta = info[0].As<Napi::TypedArray>();
      auto ab = ta.ArrayBuffer();
      src = static_cast<const uint8_t*>(ab.Data()) + ta.ByteOffset();
      nbytes = ta.ByteLength();
    } else if (info[0].IsArrayBuffer()) {
      auto ab = info[0].As<Napi::ArrayBuffer>();
      src = static_cast<const uint8_t*>(ab.Data());
      nbytes = ab.ByteLength();
    } else if (info[0].IsDataView()) {
      auto dv = info[0].As<Napi::DataView>();
      src = static_cast<const uint8_t*>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
      nbytes = dv.ByteLength();
    } else {
      throw Napi::TypeError::New(env, "fromBuffer: expected a typed array or ArrayBuffer");
    }
    std::vector<int64_t> shape = toIntList(env, info[1], 0, "fromBuffer shape");
    at::ScalarType st = scalarTypeFromInt(env, info[2].As<Napi::Number>().Int64Value());
    int64_t numel = 1;
    for (auto d : shape) {
      if (d < 0) throw Napi::RangeError::New(env, "fromBuffer: negative dimension");
      numel *= d;
    }
    size_t need = static_cast<size_t>(numel) * itemsize(st);
    if (need != nbytes)
      throw Napi::RangeError::New(env, "fromBuffer: shape needs " + std::to_string(need) + " bytes, buffer has " +
                                           std::to_string(nbytes));
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(st));
    if (need) std::memcpy(t.data_ptr(), src, need);
    return wrap(env, std::move(t));
  } END_GUARD
}

// toBuffer(handle) -> ArrayBuffer with the contiguous CPU bytes (copy)
EXPORT(toBuffer) {
  GUARD {
    Napi::Env env = info.Env();
    at::Tensor t = tensorOf(info[0]);
    if (!t.device().is_cpu()) t = t.to(at::kCPU);
    if (t.is_conj()) t = t.resolve_conj();
    if (t.is_neg()) t = t.resolve_neg();
    t = t.contiguous();
    size_t n = t.nbytes();
    auto buf = Napi::ArrayBuffer::New(env, n);
    if (n) std::memcpy(buf.Data(), t.data_ptr(), n);
    return buf;
  } END_GUARD
}

// dataView(handle) -> ArrayBuffer aliasing the tensor's memory (contiguous CPU only). The buffer
// keeps the tensor storage alive until it is collected.
EXPORT(dataView) {
  GUARD {
    Napi::Env env = info.Env();
    const at::Tensor& t = tensorOf(info[0]);
    if (!t.device().is_cpu() || !t.is_contiguous())
      throw Napi::TypeError::New(env, "dataView needs a contiguous CPU tensor; call .contiguous() / .cpu() first");
    auto* keep = new at::Tensor(t);
    return Napi::ArrayBuffer::New(env, t.data_ptr(), t.nbytes(), [](Napi::Env, void*, at::Tensor* k) { delete k; }, keep);
  } END_GUARD
}

EXPORT(item) {
  GUARD {
    Napi::Env env = info.Env();
    const at::Tensor& t = tensorOf(info[0]);
    if (t.numel() != 1)
      throw Napi::Error::New(env, "a Tensor with " + std::to_string(t.numel()) + " elements cannot be converted to Scalar");
    auto s = t.item();
    if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
    if (s.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(s.toLong()));
    return Napi::Number::New(env, s.toDouble());
  } END_GUARD
}

EXPORT(dispose) {
  GUARD {
    auto* b = boxOf(info[0]);
    releaseBox(info.Env(), b);
    return info.Env().Undefined();
  } END_GUARD
}

// setScopeDepth(n): the number of open tidy() scopes on this thread (src/torch/scope.ts).
EXPORT(setScopeDepth) {
  GUARD {
    if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "setScopeDepth: expected a number");
    const int32_t n = info[0].As<Napi::Number>().Int32Value();
    if (n < 0) throw Napi::RangeError::New(info.Env(), "setScopeDepth: negative depth");
    tScopeDepth = n;
    return info.Env().Undefined();
  } END_GUARD
}

// escapeScopes(h): the tensor left every tidy() scope; the GC may free it from now on, so V8 is told.
EXPORT(escapeScopes) {
  GUARD {
    countBox(info.Env(), boxOf(info[0]));
    return info.Env().Undefined();
  } END_GUARD
}

EXPORT(isDisposed) {
  GUARD { return Napi::Boolean::New(info.Env(), !boxOf(info[0])->t.defined()); } END_GUARD
}

EXPORT(sameTensor) {
  GUARD {
    return Napi::Boolean::New(info.Env(), tensorOf(info[0]).unsafeGetTensorImpl() == tensorOf(info[1]).unsafeGetTensorImpl());
  } END_GUARD
}

// ---------------------------------------------------------------------------------------------
// Autograd

// setData(handle, src): `param.data = src` (same tensor identity, new storage/dtype/device).
EXPORT(setData) {
  GUARD {
    at::Tensor t = tensorOf(info[0]);
    t.set_data(tensorOf(info[1], "data"));
    return info.Env().Undefined();
  } END_GUARD
}

EXPORT(setRequiresGrad) {
  GUARD {
    at::Tensor t = tensorOf(info[0]);
    t.set_requires_grad(info[1].ToBoolean().Value());
    return info.Env().Undefined();
  } END_GUARD
}

EXPORT(grad) {
  GUARD {
    const at::Tensor& t = tensorOf(info[0]);
    const at::Tensor& g = t.grad();
    if (!g.defined()) return info.Env().Null();
    return wrap(info.Env(), g);
  } END_GUARD
}

EXPORT(setGrad) {
  GUARD {
    at::Tensor t = tensorOf(info[0]);
    if (info[1].IsNull() || info[1].IsUndefined()) t.mutable_grad() = at::Tensor();
    else t.mutable_grad() = tensorOf(info[1], "grad");
    return info.Env().Undefined();
  } END_GUARD
}

EXPORT(autogradMeta) {  // [isLeaf, gradFnName|null, retainsGrad]
  GUARD {
    Napi::Env env = info.Env();
    const at::Tensor& t = tensorOf(info[0]);
    Napi::Array out = Napi::Array::New(env, 3);
    out.Set(0u, Napi::Boolean::New(env, t.is_leaf()));
    auto fn = t.grad_fn();
    out.Set(1u, fn ? Napi::String::New(env, fn->name()) : env.Null());
    out.Set(2u, Napi::Boolean::New(env, t.retains_grad()));
    return out;
  } END_GUARD
}

EXPORT(retainGrad) {
  GUARD {
    at::Tensor t = tensorOf(info[0]);
    t.retain_grad();
    return info.Env().Undefined();
  } END_GUARD
}

static std::vector<at::Tensor> tensorArray(Napi::Value v, const char* what, bool allowNull = false) {
  std::vector<at::Tensor> out;
  if (v.IsUndefined() || v.IsNull()) return out;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value x = a.Get(i);
    if (allowNull && (x.IsNull() || x.IsUndefined())) out.emplace_back();
    else out.push_back(tensorOf(x, what));
  }
  return out;
}

// backward(tensors[], grads[]|null, retainGraph, createGraph)
EXPORT(backward) {
  GUARD {
    auto outs = tensorArray(info[0], "backward tensor");
    auto grads = tensorArray(info[1], "backward grad", true);
    bool retain = info[2].ToBoolean().Value();
    bool create = info[3].ToBoolean().Value();
    torch::autograd::backward(outs, grads, retain, create);
    return info.Env().Undefined();
  } END_GUARD
}

// autogradGrad(outputs[], inputs[], gradOutputs[]|null, retainGraph, createGraph, allowUnused)
EXPORT(autogradGrad) {
  GUARD {
    Napi::Env env = info.Env();
    auto outs = tensorArray(info[0], "grad output");
    auto ins = tensorArray(info[1], "grad input");
    auto gouts = tensorArray(info[2], "grad_outputs", true);
    bool create = info[4].ToBoolean().Value();
    c10::optional<bool> retain;
    if (!info[3].IsUndefined() && !info[3].IsNull()) retain = info[3].ToBoolean().Value();
    bool allowUnused = info[5].ToBoolean().Value();
    auto res = torch::autograd::grad(outs, ins, gouts, retain, create, allowUnused);
    Napi::Array a = Napi::Array::New(env, res.size());
    for (size_t i = 0; i < res.size(); i++) a.Set(i, res[i].defined() ? wrap(env, res[i]) : env.Null());
    return a;
  } END_GUARD
}

EXPORT(setGradEnabled) {
  GUARD {
    bool prev = at::GradMode::is_enabled();
    at::GradMode::set_enabled(info[0].ToBoolean().Value());
    return Napi::Boolean::New(info.Env(), prev);
  } END_GUARD
}

EXPORT(isGradEnabled) {
  GUARD { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); } END_GUARD
}

// ---------------------------------------------------------------------------------------------
// Process-wide settings

EXPORT(manualSeed) {
  GUARD {
    int64_t s = toInt(info.Env(), info[0], "manualSeed");
    torch::manual_seed(static_cast<uint64_t>(s));
    return info.Env().Undefined();
  } END_GUARD
}

EXPORT(setNumThreads) {
  GUARD {
    int64_t n = toInt(info.Env(), info[0], "setNumThreads");
    if (n < 1) throw Napi::RangeError::New(info.Env(), "setNumThreads: need at least 1 thread");
    at::set_num_threads(static_cast<int>(n));
    return info.Env().Undefined();
  } END_GUARD
}

EXPORT(getNumThreads) {
  GUARD { return Napi::Number::New(info.Env(), at::get_num_threads()); } END_GUARD
}

EXPORT(setNumInteropThreads) {
  GUARD {
    at::set_num_interop_threads(static_cast<int>(toInt(info.Env(), info[0], "setNumInteropThreads")));
    return info.Env().Undefined();
  } END_GUARD
}

EXPORT(buildInfo) {
  GUARD {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("torchVersion", TORCH_VERSION);
    o.Set("cudaAvailable", torch::cuda::is_available());
    o.Set("cudaDeviceCount", static_cast<double>(torch::cuda::device_count()));
    o.Set("cudnnAvailable", torch::cuda::cudnn_is_available());
    o.Set("numThreads", at::get_num_threads());
    o.Set("numInteropThreads", at::get_num_interop_threads());
    o.Set("parallelInfo", at::get_parallel_info());
    o.Set("config", at::show_config());
    o.Set("cxxAbi", static_cast<double>(_GLIBCXX_USE_CXX11_ABI));
    return o;
  } END_GUARD
}

EXPORT(memoryStats) {
  GUARD {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("liveHandles", static_cast<double>(gLiveHandles.load()));
    o.Set("reportedBytes", static_cast<double>(gReportedBytes.load()));
    o.Set("countedBytes", static_cast<double>(tOwnedBytes));
    o.Set("toV8Bytes", static_cast<double>(tToV8));
    return o;
  } END_GUARD
}

// ---------------------------------------------------------------------------------------------

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
#define REG(name) exports.Set(#name, Napi::Function::New(env, name, #name))
  REG(opLookup);
  REG(opSchema);
  REG(opCall);
  REG(tensorInfo);
  REG(shape);
  REG(dtype);
  REG(device);
  REG(strideOf);
  REG(storageInfo);
  REG(storageBytes);
  REG(fromBuffer);
  REG(toBuffer);
  REG(dataView);
  REG(item);
  REG(dispose);
  REG(isDisposed);
  REG(sameTensor);
  REG(setData);
  REG(setRequiresGrad);
  REG(grad);
  REG(setGrad);
  REG(autogradMeta);
  REG(retainGrad);
  REG(backward);
  REG(autogradGrad);
  REG(setGradEnabled);
  REG(isGradEnabled);
  REG(manualSeed);
  REG(setNumThreads);
  REG(getNumThreads);
  REG(setNumInteropThreads);
  REG(buildInfo);
  REG(memoryStats);
  REG(setScopeDepth);
  REG(escapeScopes);
#undef REG
  initVideo(env, exports);
  return exports;
}

}  // namespace mmts

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return mmts::Init(env, exports); }
NODE_API_MODULE(mmaction_native, InitModule)
