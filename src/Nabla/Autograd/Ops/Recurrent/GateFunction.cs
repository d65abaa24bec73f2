namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>The activations a recurrent op evaluates inline in its fused gate loop instead of calling the kernel.</summary>
internal enum GateFunction
{
    Sigmoid,
    Tanh,
}

/// <summary>An activation kernel that is exactly one of the <see cref="GateFunction"/>s (implemented by the built-in
/// sigmoid and tanh, which are sealed), so a recurrent op may fuse it.</summary>
internal interface IGateFunction
{
    GateFunction Gate { get; }
}
